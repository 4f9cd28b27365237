"""The model working for the annotator in the main window: scores beside the tags, A / S
accept (one undo step each), Label next, the Suggested and Uncertainty columns, bulk
accept of the confident selection, and a class the model does not know.

The run's scores are written through the core calls a training run's events make
(``record_scoring_run``); the app reads them as it reads a real run's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from main_window_helpers import (
    answer_dialogs,
    open_window,
    press,
    private_settings,
    use_private_data_dir,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from vocgui.core.project.commands import AddClass
from vocgui.qt.main_window import MainWindow
from vocgui.qt.table.columns import Column
from vocgui.qt.table.filter import TableFilter

WAIT_MS = 20_000


@pytest.fixture
def window(qtbot, demo_unlabeled_root: Path, tmp_path: Path, monkeypatch,
           record_scoring_run) -> MainWindow:
    """The main window on the demo with an unlabeled part, and two scored runs."""
    use_private_data_dir(tmp_path, monkeypatch)
    win = open_window(qtbot, private_settings(tmp_path), demo_unlabeled_root)
    project = win.state.project
    win.older_run = record_scoring_run(project, seed=5)
    win.run_id = record_scoring_run(project, seed=1)
    qtbot.waitUntil(lambda: win.suggestions.suggestions is not None
                    and win.suggestions.suggestions.run_id == win.run_id, timeout=WAIT_MS)
    yield win
    win.close()


def first_unlabeled(window: MainWindow) -> int:
    labeled = window.state.project.images["labeled"].to_numpy(dtype=bool)
    return int(np.flatnonzero(~labeled)[0])


def test_scores_beside_the_tags_and_keys_accept_in_one_undo_step(qtbot, window) -> None:
    state, s = window.state, window.suggestions.suggestions
    assert window.suggestion_actions.bar.caption.text() == \
        f"Suggestions from run {window.run_id} (small_cnn)"
    row = first_unlabeled(window)
    state.request_selection(np.array([row]))
    editor = window.tag_editor
    for k, name in enumerate(s.classes):
        text = editor.score_text(name)
        assert text.endswith(f"{s.scores[row, k]:.2f}")
        assert text.startswith("\u2713") == bool(s.suggested[row, k])
    steps = state.undo_stack.count()
    qtbot.keyClick(window.table.view, Qt.Key.Key_A)
    project = state.project
    assert list(project.labels_of(row)) == sorted(s.suggested_names(row))
    assert project.images["labeled"].iat[row]
    assert state.undo_stack.count() == steps + 1
    state.undo_stack.undo()
    assert project.labels_of(row) == () and not project.images["labeled"].iat[row]
    # S accepts and moves on to the next row of the table.
    position = window.table.view.currentIndex().row()
    qtbot.keyClick(window.table.view, Qt.Key.Key_S)
    assert project.images["labeled"].iat[row]
    assert window.table.view.currentIndex().row() == position + 1
    assert state.current_row == window.table.model.row_id(position + 1)


def test_label_next_goes_to_the_most_uncertain_unlabeled_images(qtbot, window) -> None:
    s, state = window.suggestions.suggestions, window.state
    queue = window.suggestions.queue()
    unlabeled = ~state.project.images["labeled"].to_numpy(dtype=bool)
    assert sorted(queue.tolist()) == np.flatnonzero(unlabeled).tolist()
    assert (np.diff(s.uncertainty[queue]) <= 0).all()
    assert "Label next: 20 unlabeled images" in window.suggestion_actions.queue_label.text()
    qtbot.keyClick(window.table.view, Qt.Key.Key_L)
    assert state.current_row == queue[0]
    qtbot.keyClick(window.table.view, Qt.Key.Key_L)
    assert state.current_row == queue[1]
    # Labeling the image takes it off the queue, and the count follows.
    qtbot.keyClick(window.table.view, Qt.Key.Key_A)
    assert queue[1] not in window.suggestions.queue()
    assert "19 unlabeled" in window.suggestion_actions.queue_label.text()
    queue = window.suggestions.queue()
    qtbot.keyClick(window.table.view, Qt.Key.Key_L)  # back to the most uncertain left
    assert state.current_row == queue[0]
    # From an image Label next did not give, L goes to the most uncertain, not past it.
    state.request_selection(np.array([queue[5]]))
    qtbot.keyClick(window.table.view, Qt.Key.Key_L)
    assert state.current_row == queue[0]


def test_suggested_and_uncertainty_columns_sort_and_filter(qtbot, window) -> None:
    model, s = window.table.model, window.suggestions.suggestions
    model.sort(Column.UNCERTAINTY, Qt.SortOrder.DescendingOrder)
    shown = s.uncertainty[model.order]
    assert (np.diff(shown[~np.isnan(shown)]) <= 0).all()
    assert model.data(model.index(0, Column.UNCERTAINTY)) == f"{np.nanmax(s.uncertainty):.2f}"
    model.sort(Column.SUGGESTED)
    first = model.order[0]
    chips = model.data(model.index(0, Column.SUGGESTED), Qt.ItemDataRole.UserRole + 2)
    assert [name for name, _ in chips] == s.suggested_names(first)
    window.table.set_filter(TableFilter(suggestions="has"))
    assert model.rowCount() == int(s.suggested.any(axis=1).sum())
    window.table.set_filter(TableFilter(min_uncertainty=0.5))
    assert model.rowCount() == int((s.uncertainty >= 0.5).sum())
    assert window.table.filter_bar.model_box.currentText() == "Uncertainty ≥ 0.5"


def test_bulk_accept_states_the_counts_and_is_one_undo_step(qtbot, window) -> None:
    state, s = window.state, window.suggestions.suggestions
    project = state.project
    rows = np.arange(len(project.images))
    state.request_selection(rows)
    before = project.labels.copy()
    steps = state.undo_stack.count()
    texts = answer_dialogs(press(QMessageBox.StandardButton.Yes))
    changed = window.suggestion_actions.accept_confident_selected()
    qtbot.waitUntil(lambda: len(texts) == 1)
    confident = np.flatnonzero(s.confident)
    assert 0 < changed < len(rows)
    assert f"for {changed} images" in texts[0]
    assert f"{int(len(rows) - len(confident))} images skipped" in texts[0]
    assert state.undo_stack.count() == steps + 1
    np.testing.assert_array_equal(project.labels[confident], s.suggested[confident])
    state.undo_stack.undo()
    np.testing.assert_array_equal(project.labels, before)


def test_another_run_is_named_and_unknown_classes_are_said(qtbot, window) -> None:
    source = window.suggestions
    source.choose_run(window.older_run)
    qtbot.waitUntil(lambda: source.suggestions.run_id == window.older_run, timeout=WAIT_MS)
    assert f"run {window.older_run}" in window.suggestion_actions.bar.caption.text()
    window.state.push(AddClass(window.state.project, "added_later"))
    assert source.suggestions.unknown == ("added_later",)
    assert "does not know added_later" in window.suggestion_actions.bar.caption.text()
    window.state.request_selection(np.array([0]))
    assert window.tag_editor.score_text("added_later") == "?"
    # The table's Suggested column follows the new class list too.
    assert window.table.model.columns.suggestions is source.suggestions


def test_the_caption_stays_one_line_in_a_narrow_window(qtbot, window) -> None:
    """The model's caption and the thresholds' note beside the buttons when they fit,
    else on rows of their own above them, elided, the whole text in the tooltip: never
    wrapped over several lines (1280x720: the note beside the buttons; 1024x700: both
    above, whole)."""
    bar = window.suggestion_actions.bar
    caption, note = bar.caption, bar.thresholds_note
    one_line = 2 * caption.fontMetrics().height()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: bar.note_beside_buttons() and note.height() > 0)
    for label in (caption, note):
        assert label.shown_text() == label.text() and label.height() < one_line
    assert note.text().startswith("thresholds tuned on ")
    window.state.push(AddClass(window.state.project, "a_class_the_model_never_saw"))
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: not bar.note_beside_buttons() and note.height() > 0)
    qtbot.waitUntil(lambda: caption.width() < bar.width() + 1 and caption.height() > 0)
    assert "does not know a_class_the_model_never_saw" in caption.toolTip()
    assert caption.toolTip() == caption.text() and caption.height() < one_line
    qtbot.waitUntil(lambda: note.shown_text() == note.text())  # laid out: whole
    assert note.height() < one_line


def test_thresholds_saved_with_the_run_are_used_and_undone(qtbot, window) -> None:
    """Saving thresholds with the run in use (the Review tab's button makes this edit)
    changes the suggestions and says so; Ctrl+Z takes it back."""
    from vocgui.core.project.commands import SaveThresholds

    source, state = window.suggestions, window.state
    note = window.suggestion_actions.bar.thresholds_note
    row, name = first_unlabeled(window), state.project.classes[0]
    assert state.push(SaveThresholds(state.project, window.run_id, {name: 0.0}))
    qtbot.waitUntil(lambda: note.text() == "thresholds saved from Review", timeout=WAIT_MS)
    assert source.suggestions.suggested[row, 0]  # every image's score reaches 0
    assert f"{name}: 0.000, set by the user" in note.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: note.text().startswith("thresholds tuned on"), timeout=WAIT_MS)


def test_images_added_after_the_run_have_no_scores(qtbot, window, tmp_path: Path) -> None:
    from PIL import Image

    from vocgui.core.voc import load_voc

    state, source = window.state, window.suggestions
    n_before = len(state.project.images)
    added = tmp_path / "more"
    added.mkdir()
    for k in range(4):  # a plain folder of new JPEGs: unlabeled images
        Image.new("RGB", (40 + k, 30), (40 * k, 90, 160)).save(added / f"extra_{k}.jpg")
    state.project.add_images(load_voc(added))
    n_after = len(state.project.images)
    assert n_after == n_before + 4
    qtbot.waitUntil(lambda: source.suggestions is not None
                    and len(source.suggestions.scored) == n_after, timeout=WAIT_MS)
    s = source.suggestions
    assert s.run_id == window.run_id  # no run covers the new images: still the newest
    assert not s.scored[n_before:].any() and np.isnan(s.uncertainty[n_before:]).all()
    model = window.table.model
    model.sort(Column.UNCERTAINTY, Qt.SortOrder.DescendingOrder)
    assert set(model.order[-4:].tolist()) == set(range(n_before, n_after))  # unscored last
    state.request_selection(np.array([n_after - 1]))
    steps = state.undo_stack.count()
    qtbot.keyClick(window.table.view, Qt.Key.Key_A)
    assert state.undo_stack.count() == steps  # nothing to accept: said, not done
    assert "did not score" in window.statusBar().currentMessage()


def test_every_tab_fits_a_1024_pixel_window(qtbot, window) -> None:
    """No tab asks for more width than a 1024x700 window has (the longest texts: a
    project with unlabeled images, runs and suggestions)."""
    window.resize(1024, 700)
    for k in range(window.tabs.count()):
        window.tabs.setCurrentIndex(k)
        qtbot.wait(50)
        assert window.minimumSizeHint().width() <= 1024, window.tabs.tabText(k)
        assert window.width() == 1024, window.tabs.tabText(k)
