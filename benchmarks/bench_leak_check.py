"""The leak check before a training run on 17,125 images: what the GUI thread does at
Start, against the hash-only check that ran whole on the GUI thread before.

Run: python benchmarks/bench_leak_check.py
A project of VOC2012's 17,125 annotations (the shared tarball; the JPEGs need not exist),
every image's hashes cached (synthetic, as ``bench_hash_search.py`` makes them, with 200
planted near copies) and a run whose features are 17,125 x 1,280 low-rank float16
embeddings (``bench_embedding_search.py``'s, 50 planted copies). Times, median of 5:
``leak_inputs`` (the GUI thread's part now), ``count_leaks`` on a pool thread's behalf
(first with the cosine search, then from the run's cached pairs), and the old check
(hashes only, inputs and count both on the GUI thread). The last line is the ratio:
old GUI-thread time / new GUI-thread time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_embedding_search import low_rank_embeddings  # noqa: E402
from bench_hash_search import synthetic_hashes  # noqa: E402
from shared_data import extract_voc2012  # noqa: E402

from vocgui.core.atomic import save_npy_atomically  # noqa: E402
from vocgui.core.duplicates.cache import file_stats  # noqa: E402
from vocgui.core.duplicates.leaks import count_leaks, leak_inputs  # noqa: E402
from vocgui.core.embedding_map import features_path  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.core.project.hash_cache import HashCache  # noqa: E402


def _median(fn, repeats: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = extract_voc2012(Path(tmp) / "voc")
        with Project.create_from_voc(Path(tmp) / "p.vocgui", root) as project:
            n = len(project.images)
            mtime, size = file_stats(project.absolute_paths())
            whole, centre = synthetic_hashes(n, 10)
            content = np.asarray([f"{k:032x}" for k in range(n)], dtype=object)
            project.save_image_hashes(np.arange(n), HashCache(
                np.ones(n, bool), mtime, size, content, whole, centre,
                np.full(n, "", object)))
            run = project.create_run({"backbone": "small_cnn"}, project.snapshot())
            project.finish_run(run, "completed")
            path = features_path(project.path, run)
            path.parent.mkdir(parents=True)
            save_npy_atomically(path, low_rank_embeddings(n, 1280))

            gui_s, inputs = _median(lambda: leak_inputs(project, "official"))
            start = time.perf_counter()
            first = count_leaks(inputs)
            cold_s = time.perf_counter() - start
            warm_s, again = _median(lambda: count_leaks(inputs))
            hashes_only = replace(inputs, features_run=None)
            old_s, old = _median(lambda: count_leaks(
                replace(leak_inputs(project, "official"), features_run=None)))
            assert again == first and old.total == first.by_hash, (first, again, old)
    print(f"{n} images, run {run}'s features {n} x 1280: {first}")
    print(f"GUI thread at Start (leak_inputs): {gui_s * 1000:.0f} ms")
    print(f"pool thread: count_leaks {cold_s:.2f} s with the cosine search, "
          f"{warm_s:.2f} s from the cached pairs (hashes only: "
          f"{_median(lambda: count_leaks(hashes_only))[0]:.2f} s)")
    print(f"before: the hash-only check, all on the GUI thread: {old_s * 1000:.0f} ms")
    print(f"GUI thread at Start, before / now: {old_s / gui_s:.1f}x")


if __name__ == "__main__":
    main()
