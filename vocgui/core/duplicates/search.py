"""Near pairs among 64-bit hashes (Hamming distance) and among embeddings (cosine).

Hamming search uses multi-index hashing instead of comparing all n^2 pairs: each hash is
cut into four 16-bit chunks, and two hashes within ``threshold`` bits agree in at least
one chunk to within ``threshold // 4`` bits (pigeonhole). So each query looks up, per
chunk, the few buckets of a sorted index within that radius, and only those candidates
are checked in full; its cost grows with the number of candidates rather than n^2
(``benchmarks/bench_phash.py`` times it against a blocked brute force).

Cosine search is exact too: cheap upper bounds of every similarity from a few principal
axes, then the full vectors for the candidates only (:func:`cosine_pairs`,
``benchmarks/bench_embedding_search.py``).
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
        # The index in bucket order: a bucket's members are one contiguous run of it.
        bucketed = index[order]
        starts = np.searchsorted(keys_index[order],
                                 np.arange((1 << _CHUNK_BITS) + 1)).astype(np.int32)
        sizes = np.diff(starts)
        keys = (((queries >> shift) & np.uint64(0xFFFF)).astype(np.int32)[:, None]
                ^ masks[None, :]).ravel()
        count = sizes[keys]  # most buckets looked up are empty: one gather to skip them
        hit = np.flatnonzero(count).astype(np.int32)
        lo, count = starts[keys[hit]], count[hit]
        # Expand each bucket range [lo, lo + count) into its positions, with one repeat;
        # queries and positions then ascend, so the gathers read memory in order.
        of_run = np.repeat(np.arange(len(hit), dtype=np.int32), count)
        shift_of_run = lo - (np.cumsum(count, dtype=np.int32) - count)
        position = np.arange(len(of_run), dtype=np.int32) + shift_of_run[of_run]
        i = hit[of_run] // np.int32(len(masks))
        # Check candidates chunk by chunk: only the few true pairs are kept and merged.
        near = np.bitwise_count(queries[i] ^ bucketed[position]) <= threshold
        found_i.append(i[near].astype(np.int64))
        found_j.append(order[position[near]].astype(np.int64))
    # Sort-based de-duplication (np.unique's hash path is pathologically slow here).
    pair = np.sort(np.concatenate(found_i) * len(index) + np.concatenate(found_j))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    i, j = pair // len(index), pair % len(index)
    return i, j, np.bitwise_count(queries[i] ^ index[j]).astype(np.int64)


def normalized(features: np.ndarray) -> np.ndarray:
    """Rows centred on the mean of the rows that have features, then scaled to unit
    length (float32), so a dot product is a cosine similarity of the centred features.
    Rows of zeros (images without features) stay zero.

    Pooled CNN features (after a ReLU) share one large common direction, so their raw
    cosines say little: on a small CNN trained on the real VOC sample, the median cosine
    of two different images was 0.996 and every one of the 4,950 pairs was above 0.95.
    Centred, the median is about 0 and near copies still reach 0.98 to 1.
    """
    x = np.asarray(features, dtype=np.float32)
    present = x.any(axis=1)
    if present.any():
        x = np.where(present[:, None], x - x[present].mean(axis=0), 0.0).astype(np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _orthonormal(y: np.ndarray) -> np.ndarray:
    """The columns of ``y`` made orthonormal (float64), spanning the same space, through
    the eigendecomposition of the small Gram matrix ``y.T @ y`` (Löwdin). LAPACK's QR
    and SVD are avoided on purpose: multi-threaded OpenBLAS runs them 100x slower on a
    busy machine (measured: 1.5 s for a 4000 x 40 QR with every core taken)."""
    y = np.asarray(y, dtype=np.float64)
    w, v = np.linalg.eigh(y.T @ y)
    keep = w > w.max() * 1e-10
    return y @ (v[:, keep] / np.sqrt(w[keep]))


def _projection(x: np.ndarray, dims: int, sample: int = 2000) -> np.ndarray:
    """Orthonormal (d, <= dims) float32 axes close to the leading principal axes of up to
    ``sample`` rows (a randomised range finder: thin products and small eigenproblems).

    Any orthonormal projection only shrinks distances and dot-product residuals, so the
    bound of :func:`bounding_vectors` holds whatever the axes; the principal axes make it
    tight, which keeps candidates few.
    """
    rng = np.random.default_rng(0)
    centred = x[rng.permutation(len(x))[:sample]]
    centred = centred - centred.mean(axis=0)
    sketch = centred @ rng.normal(size=(x.shape[1], dims + 8)).astype(np.float32)
    basis = _orthonormal(sketch).astype(np.float32)  # the sample's leading span
    axes = _orthonormal(centred.T @ basis)  # (d, k): the same span in feature space
    # Order the span's directions by variance and keep the ``dims`` largest.
    scores = centred @ axes.astype(np.float32)
    _, v = np.linalg.eigh(np.asarray(scores, np.float64).T @ scores)
    return np.ascontiguousarray(_orthonormal(axes @ v[:, ::-1][:, :dims]), dtype=np.float32)


@cache
def _lower_triangle(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a k x k square's diagonal and everything below it."""
    return np.tril_indices(k)


def bounding_vectors(x: np.ndarray, dims: int = CANDIDATE_DIMS) -> np.ndarray:
    """(n, dims + 1) float32 vectors whose dot products bound the cosine similarities of
    the rows of ``x`` (unit or zero) from above.

    Each row is split into its part on ``dims`` principal axes, p, and the rest, r:
    x.y = p_x.p_y + r_x.r_y <= p_x.p_y + |r_x| |r_y| (Cauchy-Schwarz), which is the dot
    product of [p_x, |r_x|] and [p_y, |r_y|]. The bound is tight when the data lies near
    those axes, as pooled CNN features do, so few pairs pass it.
    """
    reduced = x @ _projection(x, dims)
    residual = np.sqrt(np.maximum(np.einsum("ij,ij->i", x, x)
                                  - np.einsum("ij,ij->i", reduced, reduced), 0.0))
    return np.ascontiguousarray(np.hstack([reduced, residual[:, None]]), dtype=np.float32)


def cosine_pairs(features: np.ndarray, min_similarity: float,
                 candidate_dims: int = CANDIDATE_DIMS, block: int = 1024
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) for every pair i < j whose cosine similarity is at least
    ``min_similarity``; exact. Rows of zeros (no features) pair with nothing.

    The rows are normalised once; then, block by block of ``block`` rows against the rows
    after them, one float32 product of the :func:`bounding_vectors` (``candidate_dims`` + 1
    columns instead of d) gives an upper bound of every similarity, and only the pairs
    whose bound reaches ``min_similarity`` are computed in full. A block with more
    candidates than its own size is computed in full instead (one exact product), so the
    cost stays bounded on data the bound cannot prune.
    """
    x = normalized(features)
    n, d = x.shape
    bounds = bounding_vectors(x, candidate_dims) if d > candidate_dims + 1 else x
    limit = float(min_similarity) - 1e-5  # a little slack for float32 rounding
    found_i, found_j = [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        upper = bounds[start:stop] @ bounds[start:].T
        # Each pair once: only columns after the row (the square's upper triangle).
        upper[:, :stop - start][_lower_triangle(stop - start)] = -np.inf
        # np.nonzero over the whole block is the slow part: look only at rows with a hit.
        rows = np.flatnonzero(upper.max(axis=1) >= limit)
        i, j = np.nonzero(upper[rows] >= limit)
        i, j = rows[i] + start, j + start
        if len(i) > stop - start:
            exact = x[start:stop] @ x[start:].T
            exact[:, :stop - start][_lower_triangle(stop - start)] = -np.inf
            i, j = np.nonzero(exact >= min_similarity)
            i, j = i + start, j + start
        else:
            near = np.einsum("ij,ij->i", x[i], x[j]) >= min_similarity
            i, j = i[near], j[near]
        found_i.append(i)
        found_j.append(j)
    i = np.concatenate(found_i) if found_i else np.zeros(0, np.int64)
    j = np.concatenate(found_j) if found_j else np.zeros(0, np.int64)
    return i, j, np.einsum("ij,ij->i", x[i], x[j])


def nearest_rows(distances: np.ndarray, row: int, k: int) -> np.ndarray:
    """The ``k`` rows with the smallest ``distances`` other than ``row``, nearest first
    (ties by row id)."""
    order = np.lexsort((np.arange(len(distances)), distances))
    return order[order != row][:k]
