"""Near-duplicate search over 17,125 image embeddings (cosine similarity), exact.

Run: python benchmarks/bench_embedding_search.py [--images N] [--dims D]
N (default 17,125, VOC2012's count) synthetic D-dim (default 1,280, MobileNetV2's and
EfficientNet-B0's pooled width) float16 embeddings, low-rank as pooled CNN features are
(64 latent factors through a ReLU, plus 10% noise; on isotropic noise no bound prunes
anything), with planted near copies. vocgui's search (``cosine_pairs``: centre and
normalise once,
float32 blocked products of 33-column bounding vectors, exact check of the candidates;
target < 2 s) against scikit-learn's ``NearestNeighbors(metric="cosine").radius_neighbors``
(brute force, the issue's suggestion) on the same centred features in the same run, at
the default cosine (``DEFAULT_SIMILARITY``); both must find the same pairs.
The last line is the ratio: scikit-learn's time / vocgui's.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

from vocgui.core.duplicates.search import cosine_pairs
from vocgui.core.duplicates.thresholds import DEFAULT_SIMILARITY as THRESHOLD


def low_rank_embeddings(n: int, dims: int, rank: int = 64, copies: int = 50) -> np.ndarray:
    """ReLU features of ``rank`` latent factors plus noise; rows 2k + 1 (k < copies) are
    near copies of rows 2k."""
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(n, rank)).astype(np.float32)
    mixing = rng.normal(size=(rank, dims)).astype(np.float32)
    x = np.maximum(latent @ mixing, 0)  # ReLU features, as a pooled CNN layer gives
    x += 0.1 * x.std() * rng.normal(size=x.shape).astype(np.float32)
    for k in range(copies):
        x[2 * k + 1] = x[2 * k] * 1.01 + 0.02 * x.std() * rng.normal(size=dims)
    return x.astype(np.float16)


def sklearn_pairs(x: np.ndarray) -> set[tuple[int, int]]:
    neighbours = NearestNeighbors(radius=1 - THRESHOLD, metric="cosine", algorithm="brute")
    found = neighbours.fit(x).radius_neighbors(x, return_distance=False)
    return {(i, int(j)) for i, js in enumerate(found) for j in js if i < j}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=17_125)
    parser.add_argument("--dims", type=int, default=1280)
    args = parser.parse_args()
    x = low_rank_embeddings(args.images, args.dims)

    start = time.perf_counter()
    i, j, _ = cosine_pairs(x, THRESHOLD)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    x32 = x.astype(np.float32)
    theirs = sklearn_pairs(x32 - x32.mean(axis=0))  # the same centred cosine
    base_s = time.perf_counter() - start
    ours = set(zip(i.tolist(), j.tolist(), strict=True))
    planted = all((2 * k, 2 * k + 1) in ours for k in range(50))
    print(f"{args.images} embeddings of {args.dims} dims, cosine >= {THRESHOLD}: "
          f"{len(ours)} pairs, the 50 planted found: {planted}; scikit-learn: {len(theirs)} "
          f"pairs, same: {ours == theirs}")
    print(f"vocgui cosine_pairs: {ours_s:.2f} s (target < 2 s)")
    print(f"scikit-learn NearestNeighbors radius_neighbors (brute): {base_s:.2f} s")
    print(f"embedding search ratio (scikit-learn / vocgui): {base_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
