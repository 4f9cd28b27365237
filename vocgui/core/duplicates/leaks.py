"""The leak check before a training run: would it validate on near-copies of its own
training images?

Two kinds of link count, as in duplicate search: the cached perceptual hashes of the
files unchanged since they were hashed (no image is decoded), and, when a run saved
features for every image, the newest such run's embedding pairs (searched once per set
of features and cached in the run folder, :mod:`.feature_pairs`). A leaked image is
counted "by hash" when the hash links alone put a copy on another side of the split, else
"by image features".

:func:`leak_inputs` reads plain values on the project's thread; :func:`count_leaks` runs
anywhere. The Training tab runs it on a pool thread: on 17,125 images the hash search
alone takes ~0.6 s and a first cosine search ~0.7 s more. ``vocgui train`` calls
:func:`leak_warning`, both at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vocgui.core.duplicates.cache import as_image_hashes, file_stats
from vocgui.core.duplicates.feature_pairs import run_feature_pairs
from vocgui.core.duplicates.groups import duplicate_links, groups_from_links, leaked_rows
from vocgui.core.duplicates.report import newest_features_run
from vocgui.core.duplicates.thresholds import DEFAULT_SIMILARITY, DEFAULT_THRESHOLD
from vocgui.core.project.hash_cache import HashCache


@dataclass(frozen=True)
class LeakInputs:
    """What the check reads, as plain values: every image's path, label tuple and split,
    the hash cache as stored, and the run whose features are compared (None: none)."""

    paths: Sequence[str]
    labels: Sequence[tuple[str, ...]]
    splits: Sequence[str]
    cache: HashCache
    project_path: Path
    features_run: int | None


@dataclass(frozen=True)
class LeakCount:
    """Validation or test images with a near-copy on another side of the split: found
    through the hashes (``by_hash``), or only through run ``features_run``'s features
    (``by_features``)."""

    by_hash: int
    by_features: int
    features_run: int | None = None

    @property
    def total(self) -> int:
        return self.by_hash + self.by_features

    @property
    def summary(self) -> str | None:
        """How many leaked and what found them, in one sentence; None when none did."""
        if not self.total:
            return None
        found = ([f"{self.by_hash} by hash"] if self.by_hash else []) + (
            [f"{self.by_features} by image features (run {self.features_run})"]
            if self.by_features else [])
        have = "image has a near-copy" if self.total == 1 else "images have near-copies"
        return (f"{self.total} validation or test {have} on another side of the split: "
                f"{', '.join(found)}.")

    @property
    def warning(self) -> str | None:
        """What to tell a user about to train, or None when nothing leaks."""
        if not self.total:
            return None
        return (f"{self.summary} The run's validation scores would be inflated; the "
                "Duplicates tab lists them and can move or exclude the copies.")


def leak_inputs(project, split_method: str) -> LeakInputs | None:
    """The check's inputs for a run with ``split_method`` ('official' uses the project's
    splits), or None when there is nothing to check: another split method, or neither
    cached hashes nor a run with features. Call on the project's thread."""
    if split_method != "official":
        return None
    cache = project.image_hash_cache()
    run = newest_features_run(project)
    if run is None and not cache.known.any():
        return None
    return LeakInputs(project.absolute_paths(), list(project.images["labels"]),
                      list(project.images["split"]), cache, Path(project.path), run)


def count_leaks(inputs: LeakInputs, threshold: int = DEFAULT_THRESHOLD,
                min_similarity: float = DEFAULT_SIMILARITY) -> LeakCount:
    """Count the leaked images (plain values: safe in a worker thread)."""
    mtime, size = file_stats(inputs.paths)
    cache = inputs.cache
    # A file changed since it was hashed: its cached hashes say nothing about it now.
    unchanged = cache.known & (cache.mtime_ns == mtime) & (cache.size == size)
    hashes = as_image_hashes(replace(cache, known=unchanged,
                                     content=np.where(unchanged, cache.content, "")))
    pairs = (run_feature_pairs(inputs.project_path, inputs.features_run, len(inputs.paths),
                               min_similarity)
             if inputs.features_run is not None else None)
    links = duplicate_links(hashes, threshold, pairs)

    def leaked(of_links) -> set[int]:
        groups = groups_from_links(of_links, hashes.content, inputs.labels, inputs.splits)
        return set(leaked_rows(groups).tolist())

    every = leaked(links)
    by_hash = leaked(links.without("embedding")) if pairs is not None else every
    return LeakCount(len(by_hash), len(every - by_hash),
                     inputs.features_run if pairs is not None else None)


def leak_warning(project, split_method: str) -> str | None:
    """The warning for a run with ``split_method`` on ``project`` now, or None (the whole
    check at once, on the project's thread)."""
    inputs = leak_inputs(project, split_method)
    return count_leaks(inputs).warning if inputs is not None else None
