"""Live review recompute: confusion counts, precision/recall/F1 and the per-class table of
17,125 images x 20 classes at new thresholds (what every slider move costs).

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_review.py
Labels are the real VOC2012 image labels (from the shared annotations tarball); scores
are synthetic, drawn from label-conditional beta distributions (a model of roughly 0.8
AP). Ours: RunReview (scores sorted once per class, then one searchsorted per class).
Baseline, in the same run: scikit-learn's multilabel_confusion_matrix + per-class F1
from scratch at the same thresholds. Target: well under 50 ms. Also shown: the Review
panel on a real project of those 17,125 images with the run recorded, a slider move
until every view has updated (table, confusion grid artists, PR markers, gallery query),
and the one coalesced redraw of the 20-panel grid that follows. The last line is the
ratio baseline / ours.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from shared_data import TARBALL, extract_voc2012
from sklearn.metrics import f1_score, multilabel_confusion_matrix  # noqa: E402

from vocgui.core.evaluation.run_review import RunReview  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.core.stats import multi_hot  # noqa: E402
from vocgui.core.voc import VocDataset, load_voc  # noqa: E402


def real_dataset(tmp: str) -> VocDataset:
    """The 17,125 VOC2012 annotations (no images), extracted into ``tmp``."""
    if not TARBALL.is_file():
        sys.exit(f"bench_review: the VOC2012 annotations are missing: {TARBALL}")
    return load_voc(extract_voc2012(tmp))


def synthetic_scores(y: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = np.where(y, rng.beta(5, 2, y.shape), rng.beta(1, 9, y.shape))
    return scores.astype(np.float32)  # as saved in the project


def median_ms(fn: Callable[[np.ndarray], object], thresholds: list[np.ndarray]) -> float:
    times = []
    for t in thresholds:
        start = time.perf_counter()
        fn(t)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def gui_figures(dataset: VocDataset, scores: np.ndarray, tmp: str,
                moves: list[float]) -> tuple[float, float]:
    """(median ms of a slider move with every view updated, ms of the grid redraw)."""
    from PySide6.QtWidgets import QApplication

    from vocgui.qt.app_state import AppState
    from vocgui.qt.review import ReviewPanel

    app = QApplication.instance() or QApplication([])
    project = Project.create(Path(tmp) / "bench.vocgui", dataset)
    run_id = project.create_run({"backbone": "synthetic"}, project.snapshot())
    project.save_predictions(run_id, np.arange(len(scores)), list(project.classes), scores)
    project.finish_run(run_id, "completed")
    state = AppState()
    panel = ReviewPanel(state)
    panel.resize(1500, 1000)
    panel.show()
    state.set_project(project)
    deadline = time.perf_counter() + 120
    while panel.session.review is None and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    panel.show_cell(0, "fp")  # the gallery follows every move too
    move_ms = median_ms(panel.threshold_bar.set_global_threshold, moves)
    panel.confusion.draw()  # the first draw lays out every text once

    def move_and_draw(t: float) -> None:
        panel.threshold_bar.set_global_threshold(t)
        panel.confusion.draw()

    draw_ms = median_ms(move_and_draw, moves[:5]) - move_ms
    state.set_project(None)
    return move_ms, draw_ms


def main() -> None:
    tmp_dir = tempfile.TemporaryDirectory()
    dataset = real_dataset(tmp_dir.name)
    classes = dataset.classes
    y = multi_hot(dataset.images["labels"], classes)
    scores = synthetic_scores(y)
    rng = np.random.default_rng(1)
    moves = [rng.uniform(0.05, 0.95, len(classes)) for _ in range(200)]
    print(f"{y.shape[0]} images x {y.shape[1]} classes, {int(y.sum())} labels")

    start = time.perf_counter()
    review = RunReview(np.arange(len(y)), classes, scores, y)
    review.average_precision  # noqa: B018 - the table's threshold-free column, once
    print(f"precompute once per run (sort + AP): {(time.perf_counter() - start) * 1000:.1f} ms")

    def ours(t: np.ndarray) -> object:
        counts = review.counts(t)
        return counts.matrices(), counts.f1

    def ours_table(t: np.ndarray) -> object:
        return review.table(t)

    def baseline(t: np.ndarray) -> object:
        predicted = scores >= t
        return (multilabel_confusion_matrix(y, predicted),
                f1_score(y, predicted, average=None, zero_division=0))

    ours_ms = median_ms(ours, moves)
    table_ms = median_ms(ours_table, moves)
    cell_ms = median_ms(lambda t: review.cell_rows(classes[0], "fp", t), moves[:50])
    baseline_ms = median_ms(baseline, moves[:20])
    for t in moves[:5]:  # same answer
        np.testing.assert_array_equal(ours(t)[0], baseline(t)[0])
    start = time.perf_counter()
    review.best_thresholds(0.5)
    best_ms = (time.perf_counter() - start) * 1000
    print(f"ours: counts + F1 at new thresholds:       {ours_ms:8.3f} ms (median of 200)")
    print(f"ours: full per-class table (DataFrame):    {table_ms:8.3f} ms")
    print(f"ours: images of one cell (gallery query):  {cell_ms:8.3f} ms")
    print(f"ours: best-F1 thresholds, all classes:     {best_ms:8.3f} ms (button, once)")
    move_ms, draw_ms = gui_figures(dataset, scores, tmp_dir.name,
                                   [float(t) for t in rng.uniform(0.05, 0.95, 50)])
    tmp_dir.cleanup()
    print(f"panel: slider move, every view updated:    {move_ms:8.3f} ms (median of 50)")
    print(f"panel: redraw of the 20-panel grid:        {draw_ms:8.3f} ms (coalesced, median of 5)")
    print(f"sklearn multilabel_confusion_matrix + F1:  {baseline_ms:8.3f} ms (median of 20)")
    print(f"ratio sklearn / ours: {baseline_ms / ours_ms:.0f}x")


if __name__ == "__main__":
    main()
