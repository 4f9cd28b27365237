"""A run's image features and their 2-D map (PCA at once, UMAP when ready), cached per run.

The interface a scoring pass fills: ``<run folder>/features.npy``, a float16 array of
shape (n_images, d), row = image id, the pooled features of the run's model for every
image of the project (``vocgui.training.features.save_features`` writes it).
:func:`load_run_features` reads it, or returns None when the run has none (or they no
longer match the project). Layouts are cached beside it as ``map-pca.npy`` and
``map-umap.npy`` (float32, (n_images, 2)), written atomically; a cache older than the
features is recomputed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vocgui.core.atomic import save_npy_atomically
from vocgui.core.map_umap import umap_layout
from vocgui.core.project.runs import run_folder

FEATURES_FILE = "features.npy"
#: Layout methods, fastest first.
METHODS = ("pca", "umap")


def features_path(project_path: Path, run_id: int) -> Path:
    return run_folder(Path(project_path), run_id) / FEATURES_FILE


def load_run_features(project_path: Path, run_id: int, n_images: int) -> np.ndarray | None:
    """The (n_images, d) features of run ``run_id`` of the project at ``project_path``, or
    None when it saved none or they do not cover the project's ``n_images`` images (images
    were added since). Plain values in, so a worker thread can call it."""
    path = features_path(project_path, run_id)
    try:
        features = np.load(path, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if features.ndim != 2 or features.shape[0] != n_images or not np.issubdtype(
            features.dtype, np.floating):
        return None
    return np.asarray(features)


def runs_with_features(project) -> list[int]:
    """Ids of the runs that have features for every image, newest first."""
    runs = project.runs()
    ids = sorted((int(r) for r in runs["id"]), reverse=True) if len(runs) else []
    return [r for r in ids if features_path(project.path, r).is_file()]


def pca_layout(features: np.ndarray) -> np.ndarray:
    """The features on their two principal axes (float32, (n, 2)); a second or less for
    100k images: the axes come from the d x d covariance."""
    x = np.asarray(features, dtype=np.float32)
    centred = x - x.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(centred @ vectors[:, ::-1][:, :2], dtype=np.float32)


def layout_path(project_path: Path, run_id: int, method: str) -> Path:
    return run_folder(Path(project_path), run_id) / f"map-{method}.npy"


def cached_layout(project_path: Path, run_id: int, method: str, n_images: int
                  ) -> np.ndarray | None:
    """The cached layout, if it is newer than the features and has one point per image."""
    path = layout_path(project_path, run_id, method)
    try:
        if path.stat().st_mtime_ns < features_path(project_path, run_id).stat().st_mtime_ns:
            return None
        layout = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return layout if layout.shape == (n_images, 2) else None


def save_layout(project_path: Path, run_id: int, method: str, layout: np.ndarray) -> None:
    """Write a layout atomically (a temporary file renamed into place)."""
    save_npy_atomically(layout_path(project_path, run_id, method),
                        np.asarray(layout, dtype=np.float32))


def layout(project_path: Path, run_id: int, method: str, features: np.ndarray,
           cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """The cached layout, or compute it (and cache it when the run folder is writable).
    UMAP runs in a child process (:func:`vocgui.core.map_umap.umap_layout`, which says
    what ``cancelled`` does)."""
    cached = cached_layout(project_path, run_id, method, len(features))
    if cached is not None:
        return cached
    result = (pca_layout(features) if method == "pca"
              else umap_layout(features, cancelled=cancelled))
    # A read-only run folder: the map still shows, it is only not kept.
    with contextlib.suppress(OSError):
        save_layout(project_path, run_id, method, result)
    return result
