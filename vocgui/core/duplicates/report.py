"""Duplicates of a project: hash what changed, group (with the newest run's embeddings
when one saved features), and say what the groups mean."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from vocgui.core.duplicates.cache import as_image_hashes, file_stats, refresh_hashes
from vocgui.core.duplicates.groups import DuplicateGroup, find_groups, leaked_rows
from vocgui.core.duplicates.thresholds import DEFAULT_SIMILARITY, DEFAULT_THRESHOLD
from vocgui.core.embedding_map import load_run_features, runs_with_features
from vocgui.core.project.hash_cache import HashCache


@dataclass(frozen=True)
class DuplicateReport:
    """Groups found at ``threshold`` (and, when ``features_run`` is a run id, also by its
    embeddings at ``min_similarity``), and the images that could not be hashed
    (``errors``: image id -> why)."""

    groups: list[DuplicateGroup]
    threshold: int
    n_images: int
    errors: dict[int, str]
    features_run: int | None = None
    min_similarity: float | None = None

    @property
    def leaks(self) -> list[DuplicateGroup]:
        return [g for g in self.groups if g.leak]

    @property
    def label_conflicts(self) -> list[DuplicateGroup]:
        return [g for g in self.groups if g.label_conflict]

    @property
    def leaked_rows(self) -> np.ndarray:
        """Validation or test images with a copy on another side."""
        return leaked_rows(self.groups)


def newest_features_run(project) -> int | None:
    """The newest run whose features cover every image of ``project``, or None. Call on
    the project's thread; :func:`load_run_features` then reads them anywhere."""
    n = len(project.images)
    return next((r for r in runs_with_features(project)
                 if load_run_features(project.path, r, n) is not None), None)


def report_from_cache(cache: HashCache, labels: Sequence[tuple[str, ...]],
                      splits: Sequence[str], threshold: int = DEFAULT_THRESHOLD,
                      features: np.ndarray | None = None, features_run: int | None = None,
                      min_similarity: float = DEFAULT_SIMILARITY) -> DuplicateReport:
    """The report for an up-to-date cache, and ``features`` (run ``features_run``'s) when
    given (plain values: safe in a worker thread)."""
    groups = find_groups(as_image_hashes(cache), labels, splits, threshold, features,
                         min_similarity)
    errors = {int(r): str(cache.error[r]) for r in np.flatnonzero(cache.error != "")}
    with_features = features is not None
    return DuplicateReport(groups, threshold, len(cache.known), errors,
                           features_run if with_features else None,
                           min_similarity if with_features else None)


def find_duplicates(project, threshold: int = DEFAULT_THRESHOLD, workers: int = 2,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: Callable[[], bool] | None = None,
                    min_similarity: float | None = DEFAULT_SIMILARITY
                    ) -> DuplicateReport | None:
    """Hash the project's new or changed images (cached in the project unless it is
    read-only), then group them, with the newest run's features at ``min_similarity``
    when a run has features (None: hashes only). None if cancelled. Call on the
    project's thread."""
    refreshed = refresh_hashes(project.absolute_paths(), project.image_hash_cache(),
                               workers=workers, progress=progress, cancel=cancel)
    if refreshed is None:
        return None
    cache, changed = refreshed
    project.save_image_hashes(changed, cache)
    run = newest_features_run(project) if min_similarity is not None else None
    features = (load_run_features(project.path, run, len(project.images))
                if run is not None else None)
    return report_from_cache(cache, list(project.images["labels"]),
                             list(project.images["split"]), threshold, features, run,
                             min_similarity if min_similarity is not None else
                             DEFAULT_SIMILARITY)


def cached_leak_count(project, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """How many validation or test images have a near-copy on another side, from the
    cached hashes of unchanged files only (no image is decoded, so it is quick enough to
    ask before every training run). None when the images were never hashed."""
    cache = project.image_hash_cache()
    if not cache.known.any():
        return None
    mtime, size = file_stats(project.absolute_paths())
    cache.known &= (cache.mtime_ns == mtime) & (cache.size == size)
    report = report_from_cache(cache, list(project.images["labels"]),
                               list(project.images["split"]), threshold)
    return len(report.leaked_rows)


def leak_warning(project, split_method: str) -> str | None:
    """What to tell a user about to train with ``split_method`` ('official' uses the
    project's splits), or None when the cached hashes show no leak (or there are none)."""
    if split_method != "official":
        return None
    count = cached_leak_count(project)
    if not count:
        return None
    return (f"{count} validation or test {'image has' if count == 1 else 'images have'} a "
            "near-copy on another side of the split, so the run's validation scores would "
            "be inflated. The Duplicates tab lists them and can move or exclude the copies.")
