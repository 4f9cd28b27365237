"""The Review panel on a real run (a small CNN trained in the session on the demo data):
thresholds, confusion cells and their images, label fixes with undo, comparison, export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from review_run import project_copy
from sklearn.metrics import average_precision_score, f1_score, multilabel_confusion_matrix

from vocgui.core.evaluation.confusion import CELLS
from vocgui.core.evaluation.thresholds import best_f1_thresholds
from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.review import ReviewPanel
from vocgui.qt.review.class_table import COLUMNS, THRESHOLD_COLUMN

WAIT_MS = 30_000
TP_COLUMN = [key for _, key, _ in COLUMNS].index("tp")


@pytest.fixture
def panel(qtbot, tmp_path_factory, tmp_path):
    state = AppState()
    widget = ReviewPanel(state)
    qtbot.addWidget(widget)
    widget.resize(1500, 1000)
    widget.show()
    qtbot.waitExposed(widget)
    state.set_project(Project.open(project_copy(tmp_path_factory, tmp_path)))
    qtbot.waitUntil(lambda: widget.session.review is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not widget.issues.finder.running, timeout=WAIT_MS)
    yield widget
    state.set_project(None)


def predictions(panel: ReviewPanel):
    """The run's predictions read straight from the project, not through the panel."""
    return panel.state.project.predictions(panel.session.run_id)


def sklearn_counts(y_true: np.ndarray, scores: np.ndarray, thresholds) -> np.ndarray:
    return multilabel_confusion_matrix(y_true, scores >= thresholds)


def table_column(panel: ReviewPanel, column: int) -> list[str]:
    model = panel.class_table.proxy.sourceModel()
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_newest_run_is_loaded_with_its_validation_images(panel):
    assert panel.picker.run_ids() == [2, 1]
    assert panel.session.run_id == 2
    pred = predictions(panel)
    np.testing.assert_array_equal(panel.session.review.rows, pred.rows)
    assert f"{len(pred.rows)} validation images" in panel.summary.text()


@pytest.mark.parametrize("value", [0.05, 0.2, 0.35, 0.5, 0.8])
def test_slider_changes_counts_exactly_as_sklearn(panel, value):
    pred = predictions(panel)
    panel.threshold_bar.set_global_threshold(value)
    expected = sklearn_counts(pred.y_true, pred.scores, value)
    np.testing.assert_array_equal(panel.session.counts.matrices(), expected)
    # The table shows the same counts.
    assert table_column(panel, TP_COLUMN) == [str(v) for v in expected[:, 1, 1]]


def test_per_class_threshold_edit_moves_only_that_class(panel):
    pred = predictions(panel)
    panel.threshold_bar.set_global_threshold(0.5)
    model = panel.class_table.proxy.sourceModel()
    assert model.setData(model.index(1, THRESHOLD_COLUMN), 0.15)
    thresholds = np.full(len(pred.classes), 0.5)
    thresholds[1] = 0.15
    expected = sklearn_counts(pred.y_true, pred.scores, thresholds)
    np.testing.assert_array_equal(panel.session.counts.matrices(), expected)
    assert panel.threshold_bar.value_label.text() == "per class"


def test_best_f1_button_sets_best_thresholds_and_shows_the_gain(panel, qtbot):
    pred = predictions(panel)
    panel.threshold_bar.set_global_threshold(0.5)
    qtbot.mouseClick(panel.threshold_bar.best_button, Qt.MouseButton.LeftButton)
    best = best_f1_thresholds(pred.y_true, pred.scores, pred.classes, 0.5)
    np.testing.assert_allclose(panel.session.thresholds, best["threshold"])
    for k in range(len(pred.classes)):
        at_best = f1_score(pred.y_true[:, k], pred.scores[:, k] >= panel.session.thresholds[k],
                           zero_division=0)
        at_half = f1_score(pred.y_true[:, k], pred.scores[:, k] >= 0.5, zero_division=0)
        assert at_best >= at_half
    gain = best["f1"].mean() - best["current_f1"].mean()
    assert f"({gain:+.3f})" in panel.threshold_bar.gain_label.text()
    # Saved with the run for its suggestions: one undoable edit; a reload starts there.
    project, run_id = panel.state.project, panel.session.run_id
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    chosen = dict(zip(pred.classes, panel.session.thresholds.tolist(), strict=True))
    assert project.saved_thresholds(run_id) == chosen
    assert panel.save_button.text() == "Thresholds saved" and not panel.save_button.isEnabled()
    panel.state.undo_stack.undo()
    assert project.saved_thresholds(run_id) is None and panel.save_button.isEnabled()
    panel.state.undo_stack.redo()
    panel.threshold_bar.set_global_threshold(0.5)
    assert panel.save_button.isEnabled()
    panel.load_run(run_id)
    qtbot.waitUntil(lambda: not panel.save_button.isEnabled(), timeout=WAIT_MS)
    np.testing.assert_allclose(panel.session.thresholds, best["threshold"])


def click_cell(panel: ReviewPanel, qtbot, class_index: int, cell: str) -> None:
    tabs = panel.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Confusion"))
    canvas = panel.confusion
    canvas.draw()
    x, y = canvas.grid.cell_center(class_index, cell)
    ratio = canvas.device_pixel_ratio
    pos = QPoint(round(x / ratio), round((canvas.figure.bbox.height - y) / ratio))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)


def test_clicking_a_cell_shows_exactly_its_images(panel, qtbot):
    pred = predictions(panel)
    panel.threshold_bar.set_global_threshold(0.3)
    hit = pred.scores >= 0.3
    masks = {"tp": pred.y_true & hit, "fp": ~pred.y_true & hit,
             "fn": pred.y_true & ~hit, "tn": ~pred.y_true & ~hit}
    checked = 0
    for k in range(len(pred.classes)):
        for cell in CELLS:
            if not masks[cell][:, k].any() or (cell == "tn" and checked):
                continue
            click_cell(panel, qtbot, k, cell)
            shown = panel.gallery.shown_rows()
            assert sorted(shown) == sorted(pred.rows[masks[cell][:, k]]), (k, cell)
            position = {r: i for i, r in enumerate(pred.rows)}
            shown_scores = [pred.scores[position[r], k] for r in shown]
            assert shown_scores == sorted(shown_scores, reverse=True)
            assert pred.classes[k] in panel.gallery.caption.text()
            checked += 1
    assert checked >= 8


def test_gallery_follows_thresholds_and_opens_images(panel, qtbot):
    pred = predictions(panel)
    state = panel.state
    panel.threshold_bar.set_global_threshold(0.2)
    click_cell(panel, qtbot, 0, "tp")
    panel.threshold_bar.set_global_threshold(0.4)  # the same question at a new threshold
    expected = pred.rows[pred.y_true[:, 0] & (pred.scores[:, 0] >= 0.4)]
    assert sorted(panel.gallery.shown_rows()) == sorted(expected)
    view = panel.gallery.view
    qtbot.waitUntil(lambda: view.visualRect(view.model().index(0, 0)).isValid())
    first = view.visualRect(view.model().index(0, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert state.current_row == panel.gallery.shown_rows()[0]
    with qtbot.waitSignal(state.rows_filter_requested) as blocker:
        qtbot.mouseClick(panel.gallery.show_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(blocker.args[0], panel.gallery.shown_rows())
    assert pred.classes[0] in blocker.args[1]


def test_accepting_a_fix_changes_labels_and_undo_restores_them(panel, qtbot):
    project, state = panel.state.project, panel.state
    issues = panel.issues.model.issues
    assert len(issues) > 0, "cleanlab found no likely label error in the real run"
    issue = issues.iloc[0]
    row = int(issue["row"])
    before_labels, before_review = project.labels_of(row), project.images["review"].iat[row]
    panel.issues.table.selectRow(0)
    assert state.current_row == row  # the viewer and tag editor show the image
    assert panel.issues.model.status(0) == "open"
    qtbot.mouseClick(panel.issues.accept_button, Qt.MouseButton.LeftButton)
    after = set(project.labels_of(row))
    assert set(issue["add"]) <= after and not set(issue["remove"]) & after
    assert after == set(issue["suggested"]) | (set(before_labels) - set(run_classes(panel)))
    assert project.images["review"].iat[row] == "reviewed"
    assert panel.issues.model.status(0) == "fixed"
    state.undo_stack.undo()
    assert project.labels_of(row) == before_labels
    assert project.images["review"].iat[row] == before_review
    assert panel.issues.model.status(0) == "open"


def run_classes(panel: ReviewPanel) -> tuple[str, ...]:
    return panel.session.review.classes


def test_keep_and_flag_mark_the_review_status(panel, qtbot):
    project, state = panel.state.project, panel.state
    row = int(panel.issues.model.issues["row"].iat[0])
    labels = project.labels_of(row)
    panel.issues.table.selectRow(0)
    qtbot.mouseClick(panel.issues.flag_button, Qt.MouseButton.LeftButton)
    assert project.images["review"].iat[row] == "flagged"
    assert panel.issues.model.status(0) == "flagged"
    qtbot.mouseClick(panel.issues.reject_button, Qt.MouseButton.LeftButton)
    assert project.images["review"].iat[row] == "reviewed"
    assert panel.issues.model.status(0) == "kept"
    assert project.labels_of(row) == labels
    state.undo_stack.undo()
    assert project.images["review"].iat[row] == "flagged"


def test_compare_two_runs_shows_per_class_deltas(panel, qtbot):
    project = panel.state.project
    compare = panel.compare
    assert compare.combo_a.currentData() == 1 and compare.combo_b.currentData() == 2
    qtbot.mouseClick(compare.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compare.model.rowCount() > 0, timeout=WAIT_MS)
    a, b = project.predictions(1), project.predictions(2)
    headers = [compare.model.horizontalHeaderItem(c).text()
               for c in range(compare.model.columnCount())]
    delta_column = headers.index("Δ F1")
    for r, name in enumerate(a.classes):
        assert compare.model.item(r, 0).text() == name
        k = list(b.classes).index(name)
        f1_a = f1_score(a.y_true[:, r], a.scores[:, r] >= 0.5, zero_division=0)
        f1_b = f1_score(b.y_true[:, k], b.scores[:, k] >= 0.5, zero_division=0)
        assert compare.model.item(r, delta_column).text() == f"{round(f1_b - f1_a, 3) + 0.0:+.3f}"
    assert compare.model.item(len(a.classes), 0).text() == "(macro)"
    # The headline: each run's mAP (the mean AP of the classes with positives) and the gain.
    maps = [np.mean([average_precision_score(p.y_true[:, k], p.scores[:, k])
                     for k in range(len(p.classes)) if p.y_true[:, k].any()]) for p in (a, b)]
    assert compare.note.text().startswith(
        f"mAP {maps[0]:.3f} → {maps[1]:.3f} ({maps[1] - maps[0]:+.3f}), macro F1 ")
    assert "0 of run 1's validation images were relabelled" in compare.note.text()
    assert not compare.relabelled_button.isEnabled()


def test_fixed_images_are_marked_for_the_comparison(panel, qtbot):
    compare, state = panel.compare, panel.state
    row = int(panel.issues.model.issues["row"].iat[0])
    panel.issues.table.selectRow(0)
    qtbot.mouseClick(panel.issues.accept_button, Qt.MouseButton.LeftButton)
    click_cell(panel, qtbot, 0, "tn")
    if row in panel.gallery.shown_rows():
        item = list(panel.gallery.shown_rows()).index(row)
        assert "(relabelled)" in panel.gallery.model.index(item).data()
    qtbot.mouseClick(compare.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "relabelled since" in compare.note.text(), timeout=WAIT_MS)
    assert "1 of run 1's validation images were relabelled" in compare.note.text()
    with qtbot.waitSignal(state.rows_filter_requested) as blocker:
        qtbot.mouseClick(compare.relabelled_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(blocker.args[0], [row])


def test_export_writes_figures_and_tables_off_the_gui_thread(panel, qtbot, tmp_path):
    panel.threshold_bar.set_global_threshold(0.3)
    out = tmp_path / "report"
    panel.export_report(out)
    qtbot.waitUntil(lambda: "Wrote" in panel.summary.text(), timeout=WAIT_MS)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["confusion_grid.pdf", "confusion_grid.png", "pr_curves.pdf",
                            "pr_curves.png", "per_class.csv", "predictions.csv",
                            "label_issues.csv"])
    pred = predictions(panel)
    per_class = pd.read_csv(out / "per_class.csv", index_col="class")
    expected = sklearn_counts(pred.y_true, pred.scores, 0.3)
    np.testing.assert_array_equal(per_class["tp"], expected[:, 1, 1])
    assert (out / "confusion_grid.png").stat().st_size > 10_000


def test_review_panel_imports_no_tensorflow():
    code = ("import sys, vocgui.qt.review; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_issues_fill_the_gallery_and_stay_there(panel, qtbot):
    rows = list(panel.issues.model.issues["row"])
    qtbot.mouseClick(panel.issues.gallery_button, Qt.MouseButton.LeftButton)
    assert list(panel.gallery.shown_rows()) == rows
    panel.threshold_bar.set_global_threshold(0.2)  # a list of images, not a cell: kept
    assert list(panel.gallery.shown_rows()) == rows
    assert panel.gallery.caption.text() == f"likely label errors: {len(rows)} images"


def test_order_by_f1_reorders_panels_worst_first(panel):
    panel.threshold_bar.set_global_threshold(0.3)
    combo = panel.threshold_bar.order_combo
    combo.setCurrentIndex(combo.findData("f1"))
    f1 = panel.session.counts.f1
    order = panel.confusion.grid.order
    assert sorted(order) == list(range(len(f1)))
    assert np.all(np.diff(f1[order]) >= 0)
    worst = panel.session.review.classes[order[0]]
    assert panel.confusion.grid.axes[0].get_title().startswith(worst)
