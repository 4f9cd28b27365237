"""Loading speed: vocgui's loader against the seed baseline on the 17,125 real VOC2012 XMLs.

    python benchmarks/bench_load.py

Extracts the annotations tarball to a temporary folder, then, with a warm file cache,
times the plain sequential baseline (``../shared/bench/seed_baseline.py``: filename and
unique labels per file) and ``vocgui.core.voc.load_voc`` (which extracts far more: sizes,
boxes, flags, splits, problems), median of several runs each, interleaved so that load
from other processes hits both alike. Then it reports the memory of the loaded table and
the time for a 10x copy (171,250 files, each copy naming its own image) to show that the
cost grows linearly. The last line is the ratio baseline time / vocgui time.

The first line says how many cores two busy processes actually get at the moment: on a
shared machine where another process holds a core, the parallel loader cannot gain from
its second worker and the ratio reflects single-core speed (the CPU seconds printed for
both loaders compare the work done).

``VOCGUI_SHARED`` overrides the shared folder (default: ``../shared`` next to the repo).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from shared_data import SHARED, extract_voc2012  # noqa: E402

from vocgui.core.voc import load_voc  # noqa: E402  (needs the repo on sys.path)

RUNS = 7
COPIES = 10


def load_baseline(path: Path) -> Callable[[str], pd.DataFrame]:
    """The seed baseline's loader, imported from its file."""
    spec = importlib.util.spec_from_file_location("seed_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda folder: pd.DataFrame(module.get_labels(folder), columns=["filename", "labels"])


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    function()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def median_seconds(function: Callable[[], object], runs: int) -> float:
    return statistics.median(timed(function)[0] for _ in range(runs))


def interleaved_medians(functions: dict[str, Callable[[], object]],
                        runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per function, run in turn so load noise hits all alike."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            times[name].append(timed(function))
    return {name: (statistics.median(w for w, _ in values),
                   statistics.median(c for _, c in values))
            for name, values in times.items()}


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def usable_cores(workers: int = 2, n: int = 3_000_000) -> float:
    """How many cores two busy processes really get here (2.0 on an idle 2-core machine).

    On a shared machine other processes may hold a core; then no parallel loader can
    beat a sequential one, and the ratio below measures single-core speed.
    """
    start = time.perf_counter()
    for _ in range(workers):
        _spin(n)
    sequential = time.perf_counter() - start
    context = multiprocessing.get_context("fork" if "fork" in
                                          multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pool.submit(_spin, 1).result()  # start the workers before timing
        start = time.perf_counter()
        list(pool.map(_spin, [n] * workers))
        parallel = time.perf_counter() - start
    return workers * min(1.0, sequential / workers / parallel) if parallel else workers


def table_memory(root: Path) -> tuple[float, float]:
    """(peak MB allocated by this process while loading, MB held by the two tables)."""
    tracemalloc.start()
    dataset = load_voc(root)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    held = (dataset.images.memory_usage(deep=True).sum()
            + dataset.objects.memory_usage(deep=True).sum())
    return peak / 2**20, held / 2**20


def make_copies(root: Path, target: Path, copies: int) -> Path:
    """``copies`` renamed copies of every annotation; copy k names image ``k_<name>``."""
    annotations = target / "Annotations"
    annotations.mkdir(parents=True)
    for xml in sorted((root / "Annotations").iterdir()):
        data = xml.read_bytes()
        for k in range(copies):
            renamed = data.replace(b"<filename>", f"<filename>{k}_".encode(), 1)
            (annotations / f"{k}_{xml.name}").write_bytes(renamed)
    return target


def main() -> None:
    tarball = SHARED / "data" / "voc2012-annotations.tar.gz"
    baseline = load_baseline(SHARED / "bench" / "seed_baseline.py")
    with tempfile.TemporaryDirectory(prefix="vocgui-bench-") as folder:
        root = extract_voc2012(folder, tarball)
        annotations = str(root / "Annotations")
        n_files = len(os.listdir(annotations))
        rows = len(load_voc(root).images)  # also warms the file cache
        assert rows == len(baseline(annotations)) == n_files, "loaders disagree on rows"
        print(f"{n_files} annotation files, {os.cpu_count()} CPUs of which two busy processes "
              f"get {usable_cores():.1f} now, median of {RUNS} runs")
        medians = interleaved_medians({"baseline": lambda: baseline(annotations),
                                       "vocgui": lambda: load_voc(root)}, RUNS)
        for name, label in (("baseline", "seed baseline (filename + labels)"),
                            ("vocgui", "vocgui load_voc (everything, parallel)")):
            wall, cpu = medians[name]
            print(f"{label:<40} {wall:.3f} s wall, {cpu:.3f} s CPU (all processes)")
        sequential = median_seconds(lambda: load_voc(root, workers=1), 3)
        print(f"{'vocgui load_voc, one process':<40} {sequential:.3f} s wall")
        peak, held = table_memory(root)
        print(f"memory: tables hold {held:.1f} MB; peak allocated while loading {peak:.1f} MB "
              "(target < 150 MB)")

        big = make_copies(root, Path(folder) / "x10", COPIES)
        big_dataset = load_voc(big)  # warms the cache for the copies
        assert len(big_dataset.images) == COPIES * n_files
        big_time = median_seconds(lambda: load_voc(big), 3)
        big_peak, big_held = table_memory(big)
        print(f"{COPIES}x copy ({COPIES * n_files} files): {big_time:.3f} s = "
              f"{big_time / medians['vocgui'][0]:.1f}x the 1x time (linear: {COPIES}x); "
              f"tables {big_held:.0f} MB, peak {big_peak:.0f} MB")
    ratio = medians["baseline"][0] / medians["vocgui"][0]
    print(f"ratio baseline / vocgui (wall): {ratio:.2f}")


if __name__ == "__main__":
    main()
