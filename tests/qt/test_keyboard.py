"""Keyboard-first editing in the real main window on the 100 real VOC2012 images."""

from __future__ import annotations

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
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from vocgui.qt.main_window import MainWindow
from vocgui.qt.settings import Settings


@pytest.fixture
def window(window: MainWindow) -> MainWindow:
    """The conftest's window, with the table focused (where the class keys work)."""
    window.table.view.setFocus()
    return window


def test_class_keys_toggle_on_the_whole_selection(qtbot, window: MainWindow) -> None:
    state, project = window.state, window.state.project
    rows = np.array([10, 11, 12])
    state.request_selection(rows)
    k = project.classes.index("cow")  # key 10 ('0') is the tenth class
    assert k == 9
    assert not project.labels[rows, k].all()
    qtbot.keyClick(window.table.view, Qt.Key.Key_0)
    assert project.labels[rows, k].all()
    assert "Add 'cow' to" in state.undo_stack.undoText()
    qtbot.keyClick(window.table.view, Qt.Key.Key_0)  # all have it now: removes it
    assert not project.labels[rows, k].any()


def test_enter_marks_reviewed_and_walks_down_the_table(qtbot, window: MainWindow) -> None:
    state, project, model = window.state, window.state.project, window.table.model
    start = state.current_row
    visited = [start]
    for _ in range(3):
        qtbot.keyClick(window.table.view, Qt.Key.Key_Return)
        visited.append(state.current_row)
    assert [int(p) for p in model.positions_of(np.array(visited))] == [0, 1, 2, 3]
    assert (project.images.review[visited[:3]] == "reviewed").all()
    assert project.images.review[visited[3]] == "unreviewed"
    assert state.undo_stack.count() == 3


def test_f_flags_and_unflags(qtbot, window: MainWindow) -> None:
    row, project = window.state.current_row, window.state.project
    qtbot.keyClick(window.table.view, Qt.Key.Key_F)
    assert project.images.review[row] == "flagged"
    qtbot.keyClick(window.table.view, Qt.Key.Key_F)
    assert project.images.review[row] == "unreviewed"


def test_arrows_move_the_current_image(qtbot, window: MainWindow) -> None:
    model = window.table.model
    qtbot.keyClick(window.table.view, Qt.Key.Key_Down)
    qtbot.keyClick(window.table.view, Qt.Key.Key_Down)
    assert window.state.current_row == model.row_id(2)
    assert list(window.state.selected_rows) == [model.row_id(2)]
    qtbot.keyClick(window.table.view, Qt.Key.Key_Up)
    assert window.state.current_row == model.row_id(1)


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo(qtbot, window: MainWindow) -> None:
    row, project = window.state.current_row, window.state.project
    before = project.labels[row].copy()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.table.view, Qt.Key.Key_2)
    assert not np.array_equal(project.labels[row], before)
    qtbot.keyClick(window.table.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(project.labels[row], before)
    qtbot.keyClick(window.table.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not np.array_equal(project.labels[row], before)


def test_typing_digits_in_the_search_box_edits_nothing(qtbot, window: MainWindow) -> None:
    labels = window.state.project.labels.copy()
    qtbot.keyClicks(window.table.filter_bar.search, "2007 1")
    assert np.array_equal(window.state.project.labels, labels)
    assert window.state.undo_stack.count() == 0


def test_class_keys_are_customisable(qtbot, voc_sample, tmp_path, monkeypatch) -> None:
    use_private_data_dir(tmp_path, monkeypatch)
    settings: Settings = private_settings(tmp_path)
    settings.set_class_keys(["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"])
    window = open_window(qtbot, settings, voc_sample)
    row, project = window.state.current_row, window.state.project
    had = bool(project.labels[row, 1])
    qtbot.keyClick(window.table.view, Qt.Key.Key_W)
    assert bool(project.labels[row, 1]) != had
    count = window.state.undo_stack.count()
    qtbot.keyClick(window.table.view, Qt.Key.Key_2)  # no longer a class key
    assert window.state.undo_stack.count() == count
    with pytest.raises(ValueError, match="distinct"):
        settings.set_class_keys(["Q"] * 10)
    window.close()


def test_class_keys_refuse_keys_that_other_shortcuts_use(qtbot, window: MainWindow) -> None:
    """Edit > Class Keys refuses F (Flag), Space, F1 (Help) and modified keys; F keeps
    flagging afterwards."""
    menus, settings = window.menus, window.settings
    before = settings.class_keys()
    for keys, why in ((["F", "2", "3", "4", "5", "6", "7", "8", "9", "0"], "Flag"),
                      (["1", "2", "3", "4", "5", "6", "7", "8", "9", "F1"], "Keyboard Shortcuts"),
                      (["1", "2", "3", "4", "5", "6", "7", "8", "9", "SPACE"], "Reviewed"),
                      (["1", "2", "3", "4", "5", "6", "7", "8", "9", "CTRL+Q"], "without Ctrl")):
        seen = answer_dialogs(choose(" ".join(keys)), press(QMessageBox.StandardButton.Ok))
        menus._edit_class_keys()
        qtbot.waitUntil(lambda s=seen: len(s) == 2)
        assert why in seen[1], seen
        assert settings.class_keys() == before
    row = window.state.current_row
    window.table.view.setFocus()
    qtbot.keyClick(window.table.view, Qt.Key.Key_F)
    assert window.state.project.images.review[row] == "flagged"
    # A free set of keys is taken.
    keys = ["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"]
    answer_dialogs(choose(" ".join(k.lower() for k in keys)))
    menus._edit_class_keys()
    assert settings.class_keys() == keys
