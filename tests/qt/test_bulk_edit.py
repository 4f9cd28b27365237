"""Bulk label edits in the real main window, confirmed (or not) in the real dialogs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from main_window_helpers import (
    answer_dialogs,
    choose,
    open_window,
    press,
    private_settings,
    use_private_data_dir,
)
from PySide6.QtWidgets import QMessageBox

from vocgui.core.project import Project
from vocgui.qt.main_window import MainWindow
from vocgui.qt.table.filter import TableFilter

YES, CANCEL, OK = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel,
                   QMessageBox.StandardButton.Ok)


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path, monkeypatch) -> MainWindow:
    use_private_data_dir(tmp_path, monkeypatch)
    win = open_window(qtbot, private_settings(tmp_path), voc_sample)
    yield win
    win.close()


def test_remove_from_selected_says_how_many_change(qtbot, window: MainWindow) -> None:
    state, project = window.state, window.state.project
    person = project.classes.index("person")
    rows = np.arange(20)
    with_person = int(project.labels[rows, person].sum())
    assert 0 < with_person < 20
    state.request_selection(rows)
    texts = answer_dialogs(choose("person"), press(YES))
    assert window.menus.bulk_edit("selected", add=False) == with_person
    qtbot.waitUntil(lambda: len(texts) == 2)
    assert f"Remove 'person' from {with_person:,} of the 20 selected images?" in texts[1]
    assert not project.labels[rows, person].any()
    state.undo_stack.undo()  # one undo step restores all of them
    assert int(project.labels[rows, person].sum()) == with_person


def test_cancel_changes_nothing(qtbot, window: MainWindow) -> None:
    project = window.state.project
    labels = project.labels.copy()
    window.state.request_selection(np.arange(5))
    answer_dialogs(choose("sheep"), press(CANCEL))
    assert window.menus.bulk_edit("selected", add=True) == 0
    assert np.array_equal(project.labels, labels)
    assert window.state.undo_stack.count() == 0


def test_a_new_class_on_all_filtered_rows_is_saved(qtbot, window: MainWindow) -> None:
    window.table.set_filter(TableFilter(classes=("dog",)))
    filtered = np.flatnonzero(window.state.visible_mask)
    assert len(filtered) > 0
    texts = answer_dialogs(choose("good dog"), press(YES))
    assert window.menus.bulk_edit("filtered", add=True) == len(filtered)
    assert "'good dog' is a new class" in texts[1]
    path = window.state.project.path
    window.close()
    with Project.open(path) as reopened:
        column = reopened.classes.index("good dog")
        assert set(np.flatnonzero(reopened.labels[:, column])) == set(filtered)


def test_nothing_to_change_is_said_and_not_asked(qtbot, window: MainWindow) -> None:
    window.table.set_filter(TableFilter(classes=("dog",)))
    texts = answer_dialogs(choose("dog"), press(OK))
    assert window.menus.bulk_edit("filtered", add=True) == 0
    assert "already have 'dog'" in texts[1]
