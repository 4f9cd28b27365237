"""The class manager on the real sample: every edit is one undoable step that undoes exactly."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.classes import ClassManagerDialog


@pytest.fixture
def dialog(qtbot, state: AppState) -> ClassManagerDialog:
    dialog = ClassManagerDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _snapshot(project: Project):
    return project.classes, project.class_colors, project.labels.copy()


def _assert_restored(project: Project, snapshot) -> None:
    classes, colors, labels = snapshot
    assert project.classes == classes
    assert project.class_colors == colors
    np.testing.assert_array_equal(project.labels, labels)


def _answer_message_box(owner: QObject, button: QMessageBox.StandardButton,
                        seen: list[str]) -> None:
    """Once a message box is open (modal, so polled from the event loop), read and answer it."""
    timer = QTimer(owner)

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            timer.stop()
            seen.append(box.text())
            box.button(button).click()

    timer.timeout.connect(answer)
    timer.start(20)


def test_list_shows_every_class_with_its_image_count(dialog, state) -> None:
    project = state.project
    assert dialog.class_names() == project.classes
    column = project.classes.index("person")
    count = int(project.labels[:, column].sum())
    assert dialog.class_list.item(column).text() == f"person   ({count} images)"


def test_delete_asks_with_the_count_and_is_undoable(qtbot, dialog, state) -> None:
    project = state.project
    before = _snapshot(project)
    carriers = np.flatnonzero(project.labels[:, project.classes.index("dog")])
    dialog.select(["dog"])
    asked: list[str] = []
    _answer_message_box(dialog, QMessageBox.StandardButton.Yes, asked)
    dialog.buttons["delete"].click()

    assert asked and f"{len(carriers)} images carry this label" in asked[0]
    assert "the class 'dog'" in asked[0] and "removed" in asked[0]
    assert "dog" not in project.classes and "dog" not in dialog.class_names()
    assert all("dog" not in project.labels_of(int(r)) for r in carriers)
    assert state.undo_stack.count() == 1
    state.undo_stack.undo()
    _assert_restored(project, before)
    assert "dog" in dialog.class_names()


def test_cancelling_the_delete_changes_nothing(qtbot, dialog, state) -> None:
    before = _snapshot(state.project)
    dialog.select(["cat"])
    asked: list[str] = []
    _answer_message_box(dialog, QMessageBox.StandardButton.Cancel, asked)
    dialog.buttons["delete"].click()
    assert asked
    _assert_restored(state.project, before)
    assert state.undo_stack.count() == 0


def test_deleting_several_classes_is_one_undo_step(dialog, state) -> None:
    project = state.project
    before = _snapshot(project)
    columns = [project.classes.index(n) for n in ("cat", "dog")]
    n_rows = int(project.labels[:, columns].any(axis=1).sum())
    assert dialog.delete_confirmation(["cat", "dog"]).startswith(
        f"Delete 2 classes? {n_rows} images carry these labels")
    dialog.delete_classes(["cat", "dog"])
    assert "cat" not in project.classes and "dog" not in project.classes
    assert state.undo_stack.count() == 1
    state.undo_stack.undo()
    _assert_restored(project, before)


def test_rename_keeps_labels_and_undoes(dialog, state) -> None:
    project = state.project
    before = _snapshot(project)
    index = project.classes.index("dog")
    assert dialog.rename_class("dog", "hound")
    assert project.classes[index] == "hound"
    np.testing.assert_array_equal(project.labels, before[2])
    assert dialog.selected_names() == ["hound"]
    state.undo_stack.undo()
    _assert_restored(project, before)


def test_rename_onto_an_existing_class_is_refused_with_advice(dialog, state) -> None:
    assert not dialog.rename_class("dog", "cat")
    assert "merge" in dialog.message.text()
    assert not dialog.add_class("  ")
    assert dialog.message.isVisibleTo(dialog)
    assert state.undo_stack.count() == 0


def test_merge_into_a_new_class_and_undo(dialog, state) -> None:
    project = state.project
    before = _snapshot(project)
    columns = [project.classes.index(n) for n in ("cat", "dog")]
    carriers = np.flatnonzero(project.labels[:, columns].any(axis=1))
    assert dialog.merge(["cat", "dog"], "pet")
    assert "cat" not in project.classes and "dog" not in project.classes
    pet = project.labels[:, project.classes.index("pet")]
    np.testing.assert_array_equal(np.flatnonzero(pet), carriers)
    assert state.undo_stack.count() == 1
    state.undo_stack.undo()
    _assert_restored(project, before)


def test_merge_into_one_of_the_selected(dialog, state) -> None:
    project = state.project
    columns = [project.classes.index(n) for n in ("sofa", "chair")]
    carriers = np.flatnonzero(project.labels[:, columns].any(axis=1))
    assert dialog.merge(["sofa", "chair"], "chair")
    assert "sofa" not in project.classes
    chair = project.labels[:, project.classes.index("chair")]
    np.testing.assert_array_equal(np.flatnonzero(chair), carriers)


def test_add_reorder_and_colour_are_undoable(dialog, state) -> None:
    project = state.project
    before = _snapshot(project)
    assert dialog.add_class("zebra")
    assert project.classes[-1] == "zebra" and dialog.class_names()[-1] == "zebra"
    dialog.select(["bird", "boat"])
    dialog.move_selected(-1)
    assert project.classes[:4] == ["aeroplane", "bird", "boat", "bicycle"]
    assert dialog.selected_names() == ["bird", "boat"]
    dialog.move_selected(-1)
    dialog.move_selected(-1)  # already at the top: nothing happens
    assert project.classes[:3] == ["bird", "boat", "aeroplane"]
    dialog.set_color("bird", "#00ff00")
    assert project.class_colors["bird"] == "#00ff00"
    assert state.undo_stack.count() == 4
    while state.undo_stack.canUndo():
        state.undo_stack.undo()
    _assert_restored(project, before)


def test_buttons_follow_the_selection(dialog) -> None:
    dialog.select([])
    assert not dialog.buttons["delete"].isEnabled()
    dialog.select(["cat"])
    assert dialog.buttons["rename"].isEnabled() and not dialog.buttons["merge"].isEnabled()
    dialog.select(["cat", "dog"])
    assert dialog.buttons["merge"].isEnabled() and not dialog.buttons["rename"].isEnabled()


def test_a_dropped_list_order_becomes_the_class_order(dialog, state) -> None:
    project = state.project
    # What a drag in the list leaves behind: the item moved, then order_dropped.
    item = dialog.class_list.takeItem(0)
    dialog.class_list.insertItem(2, item)
    dialog.class_list.order_dropped.emit()
    assert project.classes[:3] == ["bicycle", "bird", "aeroplane"]
    assert dialog.class_names() == project.classes
    assert state.undo_stack.undoText() == "Reorder classes"
