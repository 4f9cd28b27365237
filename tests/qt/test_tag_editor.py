"""The tag editor on the real sample: tri-state, one undoable command per click, type-ahead."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel
from vocgui.qt.app_state import AppState
from vocgui.qt.tags import TagEditor


@pytest.fixture
def editor(qtbot, state: AppState) -> TagEditor:
    editor = TagEditor(state)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _mixed_rows(project: Project, name: str) -> np.ndarray:
    """Two rows with ``name`` and one without."""
    column = project.labels[:, project.classes.index(name)]
    return np.sort(np.r_[np.flatnonzero(column)[:2], np.flatnonzero(~column)[:1]])


def _press_space_on(qtbot, editor: TagEditor, name: str) -> None:
    """Toggle a class the way a user does from the keyboard."""
    item = editor.class_item(name)
    editor.class_list.setCurrentItem(item)
    qtbot.keyClick(editor.class_list, Qt.Key.Key_Space)


def test_mixed_selection_shows_tri_state_and_counts(editor, state) -> None:
    project = state.project
    rows = _mixed_rows(project, "person")
    state.set_current_row(int(rows[0]))
    state.set_selected_rows(rows)
    assert "3 selected images" in editor.header.text()
    counts = project.labels[rows].sum(axis=0)
    for name, count in zip(project.classes, counts, strict=True):
        expected = (Qt.CheckState.Checked if count == 3 else
                    Qt.CheckState.PartiallyChecked if count else Qt.CheckState.Unchecked)
        assert editor.check_state(name) == expected, name
        assert editor.class_item(name).text(2) == f"{count}/3"
    assert editor.check_state("person") == Qt.CheckState.PartiallyChecked


def test_checking_a_partial_class_adds_it_to_all_in_one_undoable_step(qtbot, editor,
                                                                      state) -> None:
    project = state.project
    rows = _mixed_rows(project, "person")
    state.set_selected_rows(rows)
    before = project.labels.copy()
    depth = state.undo_stack.count()

    _press_space_on(qtbot, editor, "person")

    assert state.undo_stack.count() == depth + 1
    assert project.labels[rows, project.classes.index("person")].all()
    assert editor.check_state("person") == Qt.CheckState.Checked
    changed = np.flatnonzero((project.labels != before).any(axis=1))
    assert set(changed) <= set(rows)
    state.undo_stack.undo()
    np.testing.assert_array_equal(project.labels, before)
    assert editor.check_state("person") == Qt.CheckState.PartiallyChecked
    state.undo_stack.redo()
    assert project.labels[rows, project.classes.index("person")].all()


def test_unchecking_removes_from_the_current_image(qtbot, editor, state) -> None:
    project = state.project
    row = int(np.flatnonzero(project.labels.any(axis=1))[0])
    name = project.labels_of(row)[0]
    state.set_current_row(row)
    assert editor.check_state(name) == Qt.CheckState.Checked
    _press_space_on(qtbot, editor, name)
    assert name not in project.labels_of(row)
    assert state.undo_stack.undoText() == f"Remove {name!r} from 1 image"


def test_typing_a_new_name_creates_the_class(qtbot, editor, state) -> None:
    project = state.project
    rows = np.array([0, 1, 2])
    state.set_selected_rows(rows)
    classes_before, labels_before = project.classes, project.labels.copy()

    qtbot.keyClicks(editor.add_box, "zebra crossing")
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    # A new class is confirmed first: the first Enter only asks.
    assert project.classes == classes_before
    assert "not a class yet" in editor.message.text() and editor.message.isVisible()
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)

    assert project.classes == [*classes_before, "zebra crossing"]
    assert project.labels[rows, -1].all() and project.labels[:, -1].sum() == 3
    assert editor.check_state("zebra crossing") == Qt.CheckState.Checked
    qtbot.waitUntil(lambda: editor.add_box.text() == "")
    state.undo_stack.undo()
    assert project.classes == classes_before
    np.testing.assert_array_equal(project.labels, labels_before)
    assert editor.class_list.topLevelItemCount() == len(classes_before)


def test_typing_an_existing_name_in_any_case_adds_that_class(qtbot, editor, state) -> None:
    project = state.project
    state.set_current_row(0)
    qtbot.keyClicks(editor.add_box, "  TVMonitor ")
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    assert "tvmonitor" in project.labels_of(0)
    assert len(project.classes) == 20
    assert editor.add_box.completer().model().stringList() == project.classes


def test_edits_made_elsewhere_refresh_the_checks(editor, state) -> None:
    project = state.project
    state.set_current_row(0)
    name = next(c for c in project.classes if c not in project.labels_of(0))
    state.push(AddLabel(project, [0], name))
    assert editor.check_state(name) == Qt.CheckState.Checked
    state.undo_stack.undo()
    assert editor.check_state(name) == Qt.CheckState.Unchecked


def test_review_status_and_note_of_the_current_image(qtbot, editor, state) -> None:
    project = state.project
    state.set_current_row(5)
    assert editor.review_box.currentText() == "Unreviewed"
    qtbot.keyClick(editor.review_box, Qt.Key.Key_Down)
    assert project.images["review"].iat[5] == "reviewed"
    editor.note_box.setFocus()
    qtbot.keyClicks(editor.note_box, "blurry")
    qtbot.keyClick(editor.note_box, Qt.Key.Key_Return)
    assert project.images["note"].iat[5] == "blurry"
    assert project.images["review"].iat[5] == "reviewed"
    state.undo_stack.undo()
    state.undo_stack.undo()
    assert project.images["review"].iat[5] == "unreviewed"
    assert project.images["note"].iat[5] == ""
    assert editor.review_box.currentText() == "Unreviewed" and editor.note_box.text() == ""


def test_nothing_to_edit_disables_the_list(editor, state) -> None:
    assert editor.header.text() == "No image selected"
    assert not editor.class_list.isEnabled() and not editor.add_box.isEnabled()
    state.set_project(None)
    assert editor.header.text() == "No project open"
    assert editor.class_list.topLevelItemCount() == 0


def test_choosing_a_completion_with_enter_adds_that_class(qtbot, editor, state) -> None:
    project = state.project
    state.set_current_row(0)
    depth = state.undo_stack.count()
    qtbot.keyClicks(editor.add_box, "otted")  # matches anywhere in the name
    popup = editor.add_box.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert "pottedplant" in project.labels_of(0)
    assert "otted" not in project.classes
    assert state.undo_stack.count() == depth + 1
    qtbot.waitUntil(lambda: editor.add_box.text() == "")
    # Enter on a class every edited image already has changes nothing.
    qtbot.keyClicks(editor.add_box, "pottedplant")
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Escape)
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    assert state.undo_stack.count() == depth + 1


def test_enter_takes_the_completion_shown_instead_of_a_new_class(qtbot, editor,
                                                                 state) -> None:
    """Typing 'bott' while the completion shows 'bottle' and pressing Enter adds 'bottle'
    (it used to create a class 'bott' silently)."""
    project = state.project
    row = int(np.flatnonzero(~project.labels[:, project.classes.index("bottle")])[0])
    state.set_current_row(row)
    classes = project.classes
    qtbot.keyClicks(editor.add_box, "bott")
    qtbot.waitUntil(editor.add_box.completer().popup().isVisible)
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    assert project.classes == classes
    assert "bottle" in project.labels_of(row)
    qtbot.waitUntil(lambda: editor.add_box.text() == "")
    # Editing the name after the question asks again for the new name.
    qtbot.keyClicks(editor.add_box, "qqq")
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.add_box, "x")
    assert not editor.message.isVisible()
    qtbot.keyClick(editor.add_box, Qt.Key.Key_Return)
    assert project.classes == classes


def test_key_hints_follow_the_bindings(editor, state) -> None:
    assert [editor.class_list.topLevelItem(i).text(1) for i in range(11)] == [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", ""]
    editor.set_class_keys(["F1", "F2"])
    assert editor.class_item(state.project.classes[1]).text(1) == "F2"
    assert editor.class_item(state.project.classes[2]).text(1) == ""
    assert "F1, F2" in editor.hint.text()


def test_a_refused_click_on_a_class_puts_its_check_back(qtbot, editor, state, tmp_path) -> None:
    path = state.project.path
    state.set_project(None)
    state.set_project(Project.open(path, read_only=True))
    state.set_current_row(0)
    classes = state.project.classes
    name = next(c for i, c in enumerate(classes) if not state.project.labels[0, i])
    item = editor.class_item(name)
    item.setCheckState(0, Qt.CheckState.Checked)  # what a click on its box does
    assert editor.check_state(name) == Qt.CheckState.Unchecked
    assert not state.project.labels[0, classes.index(name)]
