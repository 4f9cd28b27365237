"""Edit speed on the 17,125-image VOC2012 project, every figure including the commit.

Run: python benchmarks/bench_edits.py [--tarball PATH]
Prints the median time of one label edit (target < 5 ms, with synchronous=FULL and, for
comparison, NORMAL), a 10,000-row bulk add_label (target < 300 ms) and its undo, then
last the ratio of the naive approach (one transaction per row, measured here) to the
bulk edit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from shared_data import TARBALL, extract_voc2012

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel, SetLabels, UndoStack
from vocgui.core.voc import load_voc


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def single_edits(project: Project, stack: UndoStack, n: int = 200) -> tuple[float, float]:
    """Median and 90th percentile seconds of one undoable one-row label edit."""
    rows = np.random.default_rng(0).choice(len(project.images), size=n, replace=False)
    times = [timed(lambda r=r, i=i: stack.push(SetLabels(project, [r], [f"c{i % 5}"])))
             for i, r in enumerate(rows)]
    return statistics.median(times), float(np.percentile(times, 90))


def disk_fsync(folder: Path, n: int = 200) -> float:
    """Median seconds to append 4 KiB to a file and fsync it: the disk's share of a commit."""
    times = []
    with open(folder / "fsync-probe", "ab") as fh:
        for _ in range(n):
            start = time.perf_counter()
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = extract_voc2012(tmp, args.tarball)
        project = Project.create(tmp / "voc.vocgui", load_voc(root))
        stack = UndoStack()
        print(f"project: {len(project.images)} images, {len(project.classes)} classes")
        full, full_p90 = single_edits(project, stack)
        # For comparison only: NORMAL survives a process kill but not a power loss.
        project._store.conn.execute("PRAGMA synchronous = NORMAL")
        normal, _ = single_edits(project, stack)
        project._store.conn.execute("PRAGMA synchronous = FULL")
        print(f"one label edit, commit included: {full * 1000:.2f} ms median, "
              f"{full_p90 * 1000:.2f} ms p90 (synchronous=FULL; NORMAL: {normal * 1000:.2f} ms "
              "median)  target < 5 ms")
        print(f"  for reference, one 4 KiB append + fsync on this disk: "
              f"{disk_fsync(tmp) * 1000:.2f} ms median")

        rng = np.random.default_rng(1)
        bulk, undo = [], []
        for i in range(5):
            rows = np.sort(rng.choice(len(project.images), size=10_000, replace=False))
            bulk.append(timed(lambda r=rows, i=i: stack.push(AddLabel(project, r, f"bulk{i}"))))
            undo.append(timed(stack.undo))
            stack.push(AddLabel(project, rows, "person"))  # a bulk edit of an existing class
        bulk_s, undo_s = statistics.median(bulk), statistics.median(undo)
        print(f"add a new label to 10,000 rows: {bulk_s * 1000:.1f} ms median  target < 300 ms")
        print(f"undo of it:                     {undo_s * 1000:.1f} ms median  target < 300 ms")

        # One fsync per row: 2,000 rows measured, scaled to 10,000 to keep the run short.
        rows = np.sort(rng.choice(len(project.images), size=2_000, replace=False))
        naive_s = 5 * timed(lambda: [project.add_label([r], "naive") for r in rows])
        print(f"naive baseline, one transaction per row: {naive_s:.2f} s for 10,000 rows "
              "(2,000 measured x 5)")
        project.close()
    print(f"ratio naive per-row transactions / bulk edit: {naive_s / bulk_s:.0f}x")


if __name__ == "__main__":
    main()
