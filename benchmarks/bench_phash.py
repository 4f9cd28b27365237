"""Perceptual hashing of 17,125 VOC-sized JPEGs, and near-duplicate search over them.

Run: python benchmarks/bench_phash.py [--images N]
Generates N (default 17,125, VOC2012's count) distinct 500x375 JPEGs (quality 90) in a
temporary folder, then hashes all of them, in the same run: ours
(vocgui.core.duplicates.hashing: libjpeg-turbo decodes the luma plane at 1/8 scale; a
content hash and two pHashes, whole and centre) on one thread, and as the app and
``vocgui duplicates`` run it, on two threads (the decoders release the GIL); the baseline
is a plain loop of full decode plus imagehash.phash (one hash only). The three are timed
in interleaved blocks of 500 images, so a shared machine's changing load weighs on each
alike. Then
near-duplicate search over the N hashes (multi-index, whole + centre hashes, threshold
10; target < 2 s) against a blocked numpy brute force over the same pairs (the search over
embeddings is ``bench_embedding_search.py``). The last line is the hashing ratio:
baseline time / ours as vocgui runs it (target 3x).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

from vocgui.core.duplicates.groups import ImageHashes, near_pairs
from vocgui.core.duplicates.hashing import hash_file, hash_files

SIZE = (500, 375)
#: Images timed per interleaved block.
_BLOCK = 500


def _write_images(args: tuple[str, int, int]) -> None:
    """Distinct smooth colour images (blurred random grids + fine noise), like photos."""
    folder, start, stop = args
    for k in range(start, stop):
        rng = np.random.default_rng(k)
        coarse = Image.fromarray(rng.integers(0, 256, (6, 8, 3), dtype=np.uint8))
        image = np.asarray(coarse.resize(SIZE, Image.Resampling.BICUBIC), dtype=np.int16)
        noise = rng.integers(-12, 13, (SIZE[1], SIZE[0], 1), dtype=np.int16)
        pixels = np.clip(image + noise, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(Path(folder) / f"{k:06d}.jpg", quality=90)


def generate(folder: Path, n: int) -> list[str]:
    step = 500
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_write_images, [(str(folder), s, min(n, s + step))
                                      for s in range(0, n, step)]))
    return sorted(str(p) for p in folder.glob("*.jpg"))


def baseline_hash(path: str) -> int:
    with Image.open(path) as image:
        return int(str(imagehash.phash(image)), 16)


def brute_force_pairs(full: np.ndarray, inset: np.ndarray, threshold: int) -> int:
    """Pairs found by comparing every hash with every whole and centre hash."""
    both = np.concatenate([full, inset])
    count = 0
    for start in range(0, len(full), 256):
        d = np.bitwise_count(full[start:start + 256, None] ^ both[None, :])
        count += int(np.count_nonzero(d <= threshold))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=17_125)
    n = parser.parse_args().images
    with tempfile.TemporaryDirectory(prefix="bench_phash_") as tmp:
        start = time.perf_counter()
        paths = generate(Path(tmp), n)
        print(f"generated {len(paths)} JPEGs of {SIZE[0]}x{SIZE[1]} in "
              f"{time.perf_counter() - start:.1f} s")

        # Interleaved blocks: the machine is shared, and a load that comes and goes
        # then weighs on all three the same way instead of on whichever ran last.
        ours: list = []
        one_s = ours_s = base_s = 0.0
        for start_at in range(0, len(paths), _BLOCK):
            block = paths[start_at:start_at + _BLOCK]
            start = time.perf_counter()
            alone = [hash_file(p) for p in block]
            one_s += time.perf_counter() - start
            start = time.perf_counter()
            threaded = hash_files(block, workers=2)
            ours_s += time.perf_counter() - start
            assert threaded == alone
            ours.extend(alone)
            start = time.perf_counter()
            for p in block:
                baseline_hash(p)
            base_s += time.perf_counter() - start
    print(f"ours, one thread (1/8-scale luma decode, content + 2 pHashes): {one_s:.1f} s, "
          f"{len(paths) / one_s:.0f} images/s")
    print(f"ours as vocgui runs it, two threads: {ours_s:.1f} s, "
          f"{len(paths) / ours_s:.0f} images/s")
    print(f"baseline (full decode + imagehash.phash): {base_s:.1f} s, "
          f"{len(paths) / base_s:.0f} images/s")

    hashes = ImageHashes(
        content=np.asarray([h.content for h in ours], dtype=object),
        phash=np.asarray([h.phash for h in ours], dtype=np.uint64),
        phash_inset=np.asarray([h.phash_inset for h in ours], dtype=np.uint64),
        valid=np.ones(len(ours), dtype=bool))
    start = time.perf_counter()
    i, _, _ = near_pairs(hashes, 10)
    search_s = time.perf_counter() - start
    start = time.perf_counter()
    brute_force_pairs(hashes.phash, hashes.phash_inset, 10)
    brute_s = time.perf_counter() - start
    print(f"near-duplicate search over {len(ours)} hashes: {search_s:.2f} s "
          f"({len(i)} near pairs; target < 2 s); brute force {brute_s:.2f} s")

    print(f"one-thread ratio (baseline / ours on one thread): {base_s / one_s:.2f}x")
    print(f"hashing ratio (baseline / ours as vocgui runs it): {base_s / ours_s:.2f}x")


if __name__ == "__main__":
    main()
