"""The images most like one image: by a run's features (cosine) when there are some, else
by perceptual hash (Hamming distance, whole image or centre), nearest first."""

from __future__ import annotations

import numpy as np

from vocgui.core.duplicates.search import nearest_rows, normalized
from vocgui.core.project.hash_cache import HashCache


def similar_by_features(features: np.ndarray, row: int, k: int
                        ) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosine distances) of the ``k`` images nearest to ``row``, nearest first."""
    x = normalized(features)
    distance = 1.0 - x @ x[row]
    rows = nearest_rows(distance, row, k)
    return rows, distance[rows]


def similar_by_hash(cache: HashCache, row: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, Hamming distances in bits) of the ``k`` hashed images nearest to ``row``
    (its whole-image hash against the others' whole and centre hashes)."""
    if not cache.known[row] or cache.error[row]:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    whole = np.bitwise_count(cache.phash ^ cache.phash[row]).astype(np.float64)
    centre = np.bitwise_count(cache.phash_inset ^ cache.phash[row]).astype(np.float64)
    distance = np.minimum(whole, centre)
    distance[~cache.known | (cache.error != "")] = np.inf
    rows = nearest_rows(distance, row, k)
    rows = rows[np.isfinite(distance[rows])]
    return rows, distance[rows]
