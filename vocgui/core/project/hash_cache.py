"""The cache of image file hashes (mixed into :class:`Project`), for duplicate finding.

One row per hashed image: the file's ``mtime_ns`` and ``size`` when it was hashed, its
content hash, its two pHashes and any decoding error. A cached row is used only while the
file's mtime and size are unchanged (see :mod:`vocgui.core.duplicates.cache`). Writing the
cache is bookkeeping, not an edit: it is not in the edit log, sends no ChangeEvent, and a
read-only project simply does not keep what it computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class HashCache:
    """Cached hashes, arrays indexed by image id; ``known`` is False where nothing is
    cached. ``phash``/``phash_inset`` are uint64 (0 where not decodable)."""

    known: np.ndarray        # bool
    mtime_ns: np.ndarray     # int64
    size: np.ndarray         # int64
    content: np.ndarray      # object (str)
    phash: np.ndarray        # uint64
    phash_inset: np.ndarray  # uint64
    error: np.ndarray        # object (str); '' when decoded

    @classmethod
    def empty(cls, n: int) -> HashCache:
        return cls(np.zeros(n, bool), np.full(n, -1, np.int64), np.full(n, -1, np.int64),
                   np.full(n, "", object), np.zeros(n, np.uint64), np.zeros(n, np.uint64),
                   np.full(n, "", object))


class HashCacheMixin:
    """image_hash_cache, save_image_hashes."""

    def image_hash_cache(self) -> HashCache:
        """Everything cached, for every image (rows of removed images are ignored)."""
        n = len(self._images)
        cache = HashCache.empty(n)
        rows = self._store.conn.execute(
            "SELECT image_id, mtime_ns, size, content, phash, phash_inset, error "
            "FROM image_hashes WHERE image_id < ?", (n,)).fetchall()
        if rows:
            ids = np.asarray([r[0] for r in rows], dtype=np.int64)
            cache.known[ids] = True
            cache.mtime_ns[ids] = [r[1] for r in rows]
            cache.size[ids] = [r[2] for r in rows]
            cache.content[ids] = [r[3] for r in rows]
            cache.phash[ids] = np.asarray([r[4] or 0 for r in rows], np.int64).view(np.uint64)
            cache.phash_inset[ids] = np.asarray([r[5] or 0 for r in rows],
                                                np.int64).view(np.uint64)
            cache.error[ids] = [r[6] for r in rows]
        return cache

    def save_image_hashes(self, rows, cache: HashCache) -> None:
        """Store ``cache``'s entries for image ids ``rows`` (one transaction); a no-op on a
        read-only project."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.read_only or not len(rows):
            return
        signed = cache.phash.view(np.int64)
        signed_inset = cache.phash_inset.view(np.int64)
        values = [(int(r), int(cache.mtime_ns[r]), int(cache.size[r]), str(cache.content[r]),
                   None if cache.error[r] else int(signed[r]),
                   None if cache.error[r] else int(signed_inset[r]), str(cache.error[r]))
                  for r in rows]
        with self._store.write("cache_image_hashes", None) as conn:
            conn.executemany("INSERT OR REPLACE INTO image_hashes VALUES (?, ?, ?, ?, ?, ?, ?)",
                             values)
