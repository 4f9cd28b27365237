"""Near pairs among 64-bit hashes (Hamming distance) and among embeddings (cosine).

Hamming search uses multi-index hashing instead of comparing all n^2 pairs: each hash is
cut into four 16-bit chunks, and two hashes within ``threshold`` bits agree in at least
one chunk to within ``threshold // 4`` bits (pigeonhole). So each query looks up, per
chunk, the few buckets of a sorted index within that radius, and only those candidates
are checked in full; its cost grows with the number of candidates rather than n^2
(``benchmarks/bench_phash.py`` times it against a blocked brute force).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from vocgui.core.duplicates.thresholds import MAX_HAMMING_THRESHOLD

_CHUNKS = 4
#: Principal components the cosine candidate search runs on.
CANDIDATE_DIMS = 32
_CHUNK_BITS = 16


@cache
def _masks(radius: int) -> np.ndarray:
    """Every 16-bit value with at most ``radius`` bits set."""
    values = np.arange(1 << _CHUNK_BITS, dtype=np.uint16)
    return values[np.bitwise_count(values) <= radius].astype(np.int32)


def hamming_pairs(queries: np.ndarray, index: np.ndarray, threshold: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, distance) for every pair with popcount(queries[i] ^ index[j]) <= threshold.

    Both arrays hold uint64 hashes. Pairs are unique and sorted by (i, j).
    """
    if not 0 <= threshold <= MAX_HAMMING_THRESHOLD:
        raise ValueError(f"the Hamming threshold must be between 0 and "
                         f"{MAX_HAMMING_THRESHOLD} bits, got {threshold}")
    queries = np.asarray(queries, dtype=np.uint64)
    index = np.asarray(index, dtype=np.uint64)
    masks = _masks(threshold // _CHUNKS)
    found_i, found_j = [], []
    # int32 throughout: the gathers below are memory-bound, half the bytes is twice as fast.
    for chunk in range(_CHUNKS):
        shift = np.uint64(chunk * _CHUNK_BITS)
        keys_index = ((index >> shift) & np.uint64(0xFFFF)).astype(np.int32)
        order = np.argsort(keys_index, kind="stable").astype(np.int32)
        starts = np.searchsorted(keys_index[order],
                                 np.arange((1 << _CHUNK_BITS) + 1)).astype(np.int32)
        keys = (((queries >> shift) & np.uint64(0xFFFF)).astype(np.int32)[:, None]
                ^ masks[None, :]).ravel()
        lo = starts[keys]
        count = starts[keys + 1] - lo
        hit = np.flatnonzero(count)
        query_of_key = (hit // len(masks)).astype(np.int32)
        lo, count = lo[hit], count[hit]
        # Expand each bucket range [lo, lo + count) into its members.
        offsets = (np.arange(int(count.sum()), dtype=np.int32)
                   - np.repeat(np.cumsum(count, dtype=np.int32) - count, count))
        i = np.repeat(query_of_key, count).astype(np.int64)
        j = order[np.repeat(lo, count) + offsets].astype(np.int64)
        # Check candidates chunk by chunk: only the few true pairs are kept and merged.
        near = np.bitwise_count(queries[i] ^ index[j]) <= threshold
        found_i.append(i[near])
        found_j.append(j[near])
    # Sort-based de-duplication (np.unique's hash path is pathologically slow here).
    pair = np.sort(np.concatenate(found_i) * len(index) + np.concatenate(found_j))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    i, j = pair // len(index), pair % len(index)
    return i, j, np.bitwise_count(queries[i] ^ index[j]).astype(np.int64)


def normalized(features: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32), so a dot product is a cosine similarity."""
    x = np.asarray(features, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _projection(x: np.ndarray, dims: int, sample: int = 4000) -> np.ndarray:
    """Orthonormal (d, dims) axes close to the leading principal axes of up to ``sample``
    rows (a randomised range finder: two thin products and a small SVD, not a d x d
    eigendecomposition).

    Any orthonormal projection only shrinks distances, so a pair close in full is close
    projected; the principal axes keep unrelated pairs apart, which keeps candidates few.
    """
    rng = np.random.default_rng(0)
    rows = rng.permutation(len(x))[:sample]
    centred = x[rows] - x[rows].mean(axis=0)
    basis, _ = np.linalg.qr(centred @ rng.normal(size=(x.shape[1], dims + 8)).astype(
        np.float32))
    _, _, vt = np.linalg.svd(basis.T @ centred, full_matrices=False)
    return np.ascontiguousarray(vt[:dims].T)


def cosine_pairs(features: np.ndarray, min_similarity: float,
                 candidate_dims: int = CANDIDATE_DIMS, block: int = 512
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) for every pair i < j whose cosine similarity is at least
    ``min_similarity``; exact.

    For unit vectors, similarity >= s means distance^2 <= 2 - 2s, and that still holds
    after an orthonormal projection, so a blocked search on ``candidate_dims`` principal
    components finds every such pair (plus a few more), and only those candidates are
    checked on the full vectors: on 17k rows of 1,280 dimensions, one 17k x 17k product of
    32 columns instead of 1,280.
    """
    x = normalized(features)
    n, d = x.shape
    reduced = x @ _projection(x, candidate_dims) if d > candidate_dims else x
    squared = np.einsum("ij,ij->i", reduced, reduced)
    radius2 = 2.0 - 2.0 * float(min_similarity) + 1e-5  # a little slack for rounding
    found_i, found_j = [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        # distance^2 <= r^2  <=>  a.b >= (|a|^2 + |b|^2 - r^2) / 2, rows b after a only.
        dots = reduced[start:stop] @ reduced[start:].T
        bound = 0.5 * (squared[start:stop, None] + squared[None, start:] - radius2)
        i, j = np.nonzero(dots >= bound)
        j = j + start
        keep = j > i + start
        i, j = i[keep] + start, j[keep]
        similarity = np.einsum("ij,ij->i", x[i], x[j])
        near = similarity >= min_similarity
        found_i.append(i[near])
        found_j.append(j[near])
    i, j = np.concatenate(found_i), np.concatenate(found_j)
    return i, j, np.einsum("ij,ij->i", x[i], x[j])


def nearest_rows(distances: np.ndarray, row: int, k: int) -> np.ndarray:
    """The ``k`` rows with the smallest ``distances`` other than ``row``, nearest first
    (ties by row id)."""
    order = np.lexsort((np.arange(len(distances)), distances))
    return order[order != row][:k]
