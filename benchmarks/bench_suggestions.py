"""The tag editor's model scores following a change of the current image, on a
17,125-image project (the real VOC2012 annotations, 20 classes).

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_suggestions.py [--tarball T]
A completed run's scoring pass over every image is recorded through the core calls a
run makes; the app's SuggestionSource reads it off the GUI thread (timed once), then
each figure is the time from ``state.set_current_row`` to the shown tag editor being
updated (processEvents), over 300 image changes, as wall time and as the GUI
thread's CPU time (on a loaded machine the wall time is mostly waiting for a core).
Target: under 16 ms (one frame). The baseline, in the same run, is the same tag
editor without scores (what it did before suggestions). The last line is the ratio
with scores / without, in CPU time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shared_data import TARBALL, extract_voc2012  # noqa: E402

from vocgui.core.project import Project  # noqa: E402
from vocgui.core.suggestions import load_run_scores, match_classes  # noqa: E402
from vocgui.qt.app_state import AppState  # noqa: E402
from vocgui.qt.suggestions import SuggestionSource  # noqa: E402
from vocgui.qt.tags import TagEditor  # noqa: E402

MOVES = 300


def record_scores(project: Project, seed: int = 0) -> int:
    """A completed run with scores of every image, as a run's events record them."""
    rng = np.random.default_rng(seed)
    n, classes = len(project.images), list(project.classes)
    run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5},
                                project.snapshot())
    project.save_predictions(run_id, np.arange(n), classes,
                             rng.random((n, len(classes)), dtype=np.float32), split="all",
                             in_sample=np.zeros(n, dtype=bool))
    project.finish_run(run_id, "completed")
    return run_id


def move_times(app: QApplication, state: AppState, rows: np.ndarray
               ) -> tuple[list[float], list[float]]:
    """Seconds from each change of the current image to the editor being repainted:
    wall time, and the GUI thread's CPU time (what the change costs, whatever else
    the machine runs)."""
    wall, cpu = [], []
    for row in rows.tolist():
        start, start_cpu = time.perf_counter(), time.thread_time()
        state.set_current_row(row)
        app.processEvents()
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return wall, cpu


def editor_on(app: QApplication, project: Project, with_scores: bool
              ) -> tuple[AppState, TagEditor]:
    state = AppState()
    state.set_project(project)
    editor = TagEditor(state)
    editor.resize(520, 420)
    editor.show()
    if with_scores:
        source = SuggestionSource(state, editor)
        start = time.perf_counter()
        source.reload()
        while source.suggestions is None:
            app.processEvents()
            time.sleep(0.001)
        print(f"  scores read off the GUI thread in {time.perf_counter() - start:.2f} s")
        editor.set_suggestions(source)
    app.processEvents()
    return state, editor


def summary(label: str, times: tuple[list[float], list[float]]) -> float:
    """Print the wall and CPU figures; return the median CPU time in ms."""
    medians = []
    for kind, values in zip(("wall", "CPU"), times, strict=True):
        ms = sorted(t * 1000 for t in values)
        median, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
        print(f"  {label:<26} {kind:<4} median {median:6.2f} ms, p95 {p95:6.2f} ms, "
              f"max {ms[-1]:6.2f} ms")
        medians.append(median)
    return medians[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        project = Project.create_from_voc(tmp / "voc.vocgui", extract_voc2012(tmp, args.tarball))
        run_id = record_scores(project)
        n = len(project.images)
        print(f"{n:,} images, {len(project.classes)} classes")
        start = time.perf_counter()
        raw = load_run_scores(project, run_id)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        match_classes(raw, project.classes, n)
        print(f"  reading the run's scores {read_s:.2f} s (worker); matching them to the "
              f"classes {1000 * (time.perf_counter() - start):.1f} ms (GUI thread, after "
              "a class edit)")
        rows = np.random.default_rng(1).choice(n, size=MOVES, replace=False)
        base_state, base_editor = editor_on(app, project, with_scores=False)
        move_times(app, base_state, rows[:20])  # warm up
        without = summary("without scores (baseline)", move_times(app, base_state, rows))
        base_editor.close()
        state, editor = editor_on(app, project, with_scores=True)
        move_times(app, state, rows[:20])
        with_scores = summary("with the model's scores", move_times(app, state, rows))
        assert editor.score_text(project.classes[0]), "the scores are not shown"
        editor.close()
        project.close()
    print(f"ratio tag editor with scores / without, GUI-thread CPU time per image change: "
          f"{with_scores / without:.2f}x (median {with_scores:.2f} ms vs {without:.2f} ms on "
          f"{n:,} images; target < 16 ms)")


if __name__ == "__main__":
    main()
