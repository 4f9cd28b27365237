"""Bring a project's hash cache up to date: hash only files that are new or changed.

A file's cached hashes stand while its mtime (ns) and size are what they were when it was
hashed; anything else (a new image, an edited or replaced file) is hashed again. This
works on plain values, so it can run in a worker thread while the GUI thread keeps the
Project: read ``project.image_hash_cache()`` on the owning thread, call
:func:`refresh_hashes` anywhere, then ``project.save_image_hashes(changed, cache)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from vocgui.core.duplicates.groups import ImageHashes
from vocgui.core.duplicates.hashing import hash_files
from vocgui.core.project.hash_cache import HashCache


def file_stats(paths: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(mtime_ns, size) of each path; (-1, -1) for a file that cannot be stat'ed."""
    mtime = np.full(len(paths), -1, dtype=np.int64)
    size = np.full(len(paths), -1, dtype=np.int64)
    for k, path in enumerate(paths):
        try:
            st = os.stat(path)
        except OSError:
            continue
        mtime[k], size[k] = st.st_mtime_ns, st.st_size
    return mtime, size


def refresh_hashes(paths: Sequence[str], cache: HashCache, workers: int = 2,
                   progress: Callable[[int, int], None] | None = None,
                   cancel: Callable[[], bool] | None = None
                   ) -> tuple[HashCache, np.ndarray] | None:
    """(the cache for every path, the rows that were (re)hashed), or None if cancelled.

    ``progress(done, total)`` counts the files that need hashing.
    """
    mtime, size = file_stats(paths)
    stale = np.flatnonzero(~cache.known | (cache.mtime_ns != mtime) | (cache.size != size))
    results = hash_files([paths[r] for r in stale], workers=workers, progress=progress,
                         cancel=cancel)
    if results is None:
        return None
    fresh = replace(cache, known=cache.known.copy(), mtime_ns=mtime, size=size,
                    content=cache.content.copy(), phash=cache.phash.copy(),
                    phash_inset=cache.phash_inset.copy(), error=cache.error.copy())
    fresh.known[stale] = True
    for row, result in zip(stale, results, strict=True):
        fresh.content[row] = result.content
        fresh.error[row] = result.error if size[row] >= 0 else "the file is missing"
        fresh.phash[row] = result.phash or 0
        fresh.phash_inset[row] = result.phash_inset or 0
    return fresh, stale


def as_image_hashes(cache: HashCache) -> ImageHashes:
    """The hashes duplicate finding reads, from an up-to-date cache."""
    return ImageHashes(content=cache.content, phash=cache.phash,
                       phash_inset=cache.phash_inset,
                       valid=cache.known & (cache.error == ""))
