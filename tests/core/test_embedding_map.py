"""A run's map layouts: computed once, read from the run's cache after, recomputed when
the features are newer; a UMAP no longer wanted stops its child process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from vocgui.core.atomic import save_npy_atomically
from vocgui.core.embedding_map import features_path, layout, layout_path, save_layout
from vocgui.core.map_umap import LayoutCancelled, umap_layout


def _features(project_path: Path, run_id: int) -> np.ndarray:
    features = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float16)
    features_path(project_path, run_id).parent.mkdir(parents=True)
    save_npy_atomically(features_path(project_path, run_id), features)
    return features


def test_a_layout_is_cached_and_recomputed_only_for_newer_features(tmp_path):
    project_path = tmp_path / "p.vocgui"
    features = _features(project_path, 1)
    first = layout(project_path, 1, "pca", features)
    assert first.shape == (50, 2) and first.dtype == np.float32
    assert np.array_equal(np.load(layout_path(project_path, 1, "pca")), first)

    planted = np.zeros((50, 2), dtype=np.float32)
    save_layout(project_path, 1, "pca", planted)
    assert np.array_equal(layout(project_path, 1, "pca", features), planted)  # no recompute

    later = time.time() + 10  # features written after the layout: the cache is stale
    os.utime(features_path(project_path, 1), (later, later))
    assert np.allclose(np.abs(layout(project_path, 1, "pca", features)), np.abs(first))
    # A layout for another number of images is not used either.
    save_layout(project_path, 1, "pca", np.zeros((3, 2), dtype=np.float32))
    os.utime(layout_path(project_path, 1, "pca"), (later + 1, later + 1))
    assert layout(project_path, 1, "pca", features).shape == (50, 2)


def test_a_umap_no_longer_wanted_ends_its_child(tmp_path):
    features = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    start = time.monotonic()
    with pytest.raises(LayoutCancelled):
        umap_layout(features, cancelled=lambda: time.monotonic() - start > 0.5)
    assert time.monotonic() - start < 10  # killed, not waited for
