"""Duplicates of a project: hash what changed, group (with the newest run's embeddings
when one saved features), and say what the groups mean."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from vocgui.core.duplicates.cache import as_image_hashes, refresh_hashes
from vocgui.core.duplicates.feature_pairs import FeaturePairs, run_feature_pairs
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
                      feature_pairs: FeaturePairs | None = None,
                      features_run: int | None = None,
                      min_similarity: float = DEFAULT_SIMILARITY) -> DuplicateReport:
    """The report for an up-to-date cache, and run ``features_run``'s ``feature_pairs``
    (found at ``min_similarity``; :func:`run_feature_pairs`) when given (plain values:
    safe in a worker thread)."""
    groups = find_groups(as_image_hashes(cache), labels, splits, threshold, feature_pairs)
    errors = {int(r): str(cache.error[r]) for r in np.flatnonzero(cache.error != "")}
    with_features = feature_pairs is not None
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
    similarity = min_similarity if min_similarity is not None else DEFAULT_SIMILARITY
    pairs = (run_feature_pairs(project.path, run, len(project.images), similarity)
             if run is not None else None)
    return report_from_cache(cache, list(project.images["labels"]),
                             list(project.images["split"]), threshold, pairs, run,
                             similarity)
