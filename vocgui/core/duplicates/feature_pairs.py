"""The near pairs of a run's image features (cosine search), cached in the run's folder.

Duplicate search (the Duplicates tab, ``vocgui duplicates``) and the leak check before a
training run (:mod:`.leaks`) both get a run's embedding pairs here, so the cosine search
over every image (:func:`~vocgui.core.duplicates.search.cosine_pairs`, ~0.7 s for 17,125 x
1,280) runs once per set of features: the pairs it finds are kept beside the features as
``feature-pairs.npz``, written atomically, with the smallest similarity searched and a
digest of the features' bytes. A cached search answers any similarity at or above its own
(its pairs filtered); it is used only while the digest matches the features now in the
run folder, so features written again (a run re-scored) are searched again, and a
project with images added has no features for that run at all (:func:`load_run_features`).
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vocgui.core.atomic import atomic_writer
from vocgui.core.duplicates.search import cosine_pairs
from vocgui.core.embedding_map import load_run_features
from vocgui.core.project.runs import run_folder

PAIRS_FILE = "feature-pairs.npz"


@dataclass(frozen=True)
class FeaturePairs:
    """Image pairs (i < j) whose features have a cosine similarity of at least the
    search's, with that ``similarity`` (float32)."""

    i: np.ndarray
    j: np.ndarray
    similarity: np.ndarray

    @classmethod
    def none(cls) -> FeaturePairs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))

    def at_least(self, min_similarity: float) -> FeaturePairs:
        keep = self.similarity >= min_similarity
        return FeaturePairs(self.i[keep], self.j[keep], self.similarity[keep])


def pairs_path(project_path: Path, run_id: int) -> Path:
    return run_folder(Path(project_path), run_id) / PAIRS_FILE


def features_digest(features: np.ndarray) -> str:
    """A digest of the features' type, shape and bytes (BLAKE2b, 128 bits)."""
    digest = hashlib.blake2b(f"{features.dtype.str} {features.shape}".encode(),
                             digest_size=16)
    digest.update(np.ascontiguousarray(features).data)
    return digest.hexdigest()


def _cached(path: Path, digest: str, min_similarity: float) -> FeaturePairs | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            if (str(saved["digest"]) != digest
                    or float(saved["min_similarity"]) > min_similarity):
                return None
            pairs = FeaturePairs(saved["i"], saved["j"], saved["similarity"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # none yet, or unreadable: searched again and rewritten
    return pairs.at_least(min_similarity)


def run_feature_pairs(project_path: Path, run_id: int, n_images: int,
                      min_similarity: float) -> FeaturePairs | None:
    """The pairs of run ``run_id``'s features at cosine ``min_similarity`` or more (from
    its cache when that was searched on the same features at this similarity or below),
    or None when the run has no features for the project's ``n_images`` images. Plain
    values in: a worker thread can call it."""
    features = load_run_features(project_path, run_id, n_images)
    if features is None:
        return None
    digest = features_digest(features)
    path = pairs_path(project_path, run_id)
    cached = _cached(path, digest, min_similarity)
    if cached is not None:
        return cached
    i, j, similarity = cosine_pairs(features, min_similarity)
    pairs = FeaturePairs(i.astype(np.int64), j.astype(np.int64),
                         similarity.astype(np.float32))
    # A read-only run folder: the pairs are still used, only not kept.
    with contextlib.suppress(OSError), atomic_writer(path, binary=True) as fh:
        np.savez(fh, i=pairs.i, j=pairs.j, similarity=pairs.similarity,
                 digest=np.array(digest), min_similarity=np.array(float(min_similarity)))
    return pairs
