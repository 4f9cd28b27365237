"""Near-duplicate search over 17,125 perceptual hashes (whole image + centre, Hamming).

Run: python benchmarks/bench_hash_search.py [--images N] [--threshold D]
N (default 17,125, VOC2012's count) random 64-bit whole-image hashes with their top bit
set (a pHash's DC coefficient is always above the median) and centre hashes a few bits
off, with 200 planted near copies at 1 to D bits. vocgui's search (``near_pairs``:
multi-index hashing over four 16-bit chunks; target < 2 s) against a blocked numpy brute
force (``np.bitwise_count`` of the XOR of every pair, whole-whole and whole-centre both
ways, only rows with a hit expanded) in the same run; both must find the same pairs.
``bench_phash.py`` times the same search on the hashes of generated JPEGs. The last line
is the ratio: brute force time / vocgui's.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from vocgui.core.duplicates.groups import ImageHashes, near_pairs

TOP_BIT = np.uint64(1) << np.uint64(63)


def flip_bits(hashes: np.ndarray, bits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each hash with ``bits[k]`` distinct random bits (below the top one) flipped."""
    out = hashes.copy()
    for k, b in enumerate(bits):
        for bit in rng.choice(63, size=int(b), replace=False):
            out[k] ^= np.uint64(1) << np.uint64(bit)
    return out


def synthetic_hashes(n: int, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    whole = rng.integers(0, 2**63, n, dtype=np.int64).view(np.uint64) | TOP_BIT
    centre = flip_bits(whole, rng.integers(2, 9, n), rng)
    copies = np.arange(1, 400, 2)  # row 2k + 1 is a near copy of row 2k
    whole[copies] = flip_bits(whole[copies - 1], rng.integers(1, threshold + 1, len(copies)),
                              rng)
    return whole, centre


def brute_force(whole: np.ndarray, centre: np.ndarray, threshold: int, block: int = 512
                ) -> set[tuple[int, int]]:
    n, found = len(whole), set()
    for start in range(0, n, block):
        stop = min(n, start + block)
        q, qc = whole[start:stop, None], centre[start:stop, None]
        d = np.minimum(np.bitwise_count(q ^ whole[None, start:]),
                       np.bitwise_count(q ^ centre[None, start:]))
        np.minimum(d, np.bitwise_count(qc ^ whole[None, start:]), out=d)
        d[:, :stop - start][np.tril_indices(stop - start)] = 255  # each pair once
        rows = np.flatnonzero(d.min(axis=1) <= threshold)
        i, j = np.nonzero(d[rows] <= threshold)
        found.update(zip((rows[i] + start).tolist(), (j + start).tolist(), strict=True))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=17_125)
    parser.add_argument("--threshold", type=int, default=10)
    args = parser.parse_args()
    whole, centre = synthetic_hashes(args.images, args.threshold)
    hashes = ImageHashes(np.full(len(whole), "", dtype=object), whole, centre,
                         np.ones(len(whole), dtype=bool))
    start = time.perf_counter()
    i, j, _ = near_pairs(hashes, args.threshold)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = brute_force(whole, centre, args.threshold)
    base_s = time.perf_counter() - start
    ours = set(zip(i.tolist(), j.tolist(), strict=True))
    planted = all((k - 1, k) in ours for k in range(1, 400, 2))
    print(f"{args.images} hashes (whole + centre), threshold {args.threshold}: {len(ours)} "
          f"near pairs, the 200 planted found: {planted}; brute force: {len(theirs)}, "
          f"same: {ours == theirs}")
    print(f"vocgui near_pairs (multi-index hashing): {ours_s:.2f} s (target < 2 s)")
    print(f"brute force (blocked bitwise_count): {base_s:.2f} s")
    print(f"hash search ratio (brute force / vocgui): {base_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
