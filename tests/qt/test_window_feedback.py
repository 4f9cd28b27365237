"""What the main window tells the user as they edit: the status bar's counts follow the
class list, and messages count things in words that agree ("1 class", "2 classes")."""

from __future__ import annotations

import numpy as np
from main_window_helpers import (
    answer_dialogs,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from vocgui.core.project.commands import AddClass, AddLabel
from vocgui.core.wording import plural
from vocgui.qt.classes import ClassManagerDialog
from vocgui.qt.main_window import MainWindow
from vocgui.qt.training.session import TrainingSession
from vocgui.training.config import defaults_for


def test_status_bar_counts_follow_class_edits(window: MainWindow) -> None:
    state = window.state
    n = len(state.project.classes)
    assert f"100 images, {n} classes" in window.status_label.text()
    state.push(AddClass(state.project, "unicorn"))
    assert f"{n + 1} classes" in window.status_label.text()
    state.undo_stack.undo()
    assert f"{n} classes" in window.status_label.text()
    assert "0 problems" in window.status_label.text()


def test_counted_words_agree_with_their_number() -> None:
    assert plural(1, "image") == "1 image"
    assert plural(2, "epoch") == "2 epochs"
    assert plural(1, "class") == "1 class"
    assert plural(3, "class") == "3 classes"
    assert plural(12000, "image") == "12,000 images"


def _refuse_writes(project) -> None:
    """From now on SQLite refuses every write to the real project file, as it does for a
    file that became read-only under the app ('attempt to write a readonly database')."""
    project._store.conn.execute("PRAGMA query_only = 1")


def test_a_failing_edit_is_shown_to_the_user_and_changes_nothing(qtbot, window) -> None:
    state, project = window.state, window.state.project
    window.table.view.setFocus()
    row = state.current_row
    before = project.labels.copy()
    _refuse_writes(project)
    with qtbot.waitSignal(state.edit_refused) as refused:
        qtbot.keyClick(window.table.view, Qt.Key.Key_1)  # toggle class 1 from the keyboard
    message, needs_action = refused.args
    assert needs_action and "read-only" in message and str(project.path) in message
    assert message in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: _visible_warning() is not None)
    box = _visible_warning()
    assert box.text() == message
    box.close()
    np.testing.assert_array_equal(project.labels, before)
    assert state.undo_stack.count() == 0 and state.current_row == row


def test_an_undo_that_fails_keeps_the_stack_where_it_was(qtbot, window) -> None:
    state, project = window.state, window.state.project
    rows = np.flatnonzero(~project.labels[:, 0])[:3]
    assert state.push(AddLabel(project, rows, project.classes[0]))
    after = project.labels.copy()
    _refuse_writes(project)
    with qtbot.waitSignal(state.edit_refused):
        state.undo_stack.undo()
    qtbot.waitUntil(lambda: state.undo_stack.index() == 1)
    assert state.undo_stack.canUndo() and not state.undo_stack.canRedo()
    np.testing.assert_array_equal(project.labels, after)
    project._store.conn.execute("PRAGMA query_only = 0")  # writable again: undo works
    state.undo_stack.undo()
    assert not project.labels[rows, 0].any()


def test_deleting_several_classes_is_one_transaction(qtbot, window, tmp_path) -> None:
    """The class manager's batch delete is one core command: all go, or none."""
    state, project = window.state, window.state.project
    names = project.classes[:2]
    dialog = ClassManagerDialog(state, window)
    qtbot.addWidget(dialog)
    before = project.labels.copy()
    _refuse_writes(project)
    with qtbot.waitSignal(state.edit_refused):
        dialog.delete_classes(names)
    assert project.classes[:2] == names
    np.testing.assert_array_equal(project.labels, before)
    project._store.conn.execute("PRAGMA query_only = 0")
    dialog.delete_classes(names)
    assert not set(names) & set(project.classes) and state.undo_stack.count() == 1
    state.undo_stack.undo()
    assert project.classes[:2] == names
    np.testing.assert_array_equal(project.labels, before)
    dialog.close()


def _visible_warning() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[0] if boxes else None


def _click(text: str):
    def answer(dialog) -> None:
        [button] = [b for b in dialog.buttons() if b.text() == text]
        button.click()
    return answer


def test_quitting_while_a_run_trains_asks_first(qtbot, window) -> None:
    """Cancel keeps the window; 'in the background' hides it and closes it when the run
    ends; with no run, closing asks nothing."""
    window.show_tab("Training")
    panel = window.training
    # A real session whose child was never started: the run is recorded as running.
    session = TrainingSession(window.state.project, defaults_for("small_cnn"), panel)
    panel.session = session
    seen = answer_dialogs(_click("Cancel"))
    window.close()
    assert "still training" in seen[0] and window.isVisible()
    answer_dialogs(_click("Keep Training in the Background"))
    window.close()
    assert not window.isVisible() and window.state.project is not None  # still recording
    panel.session = None
    with qtbot.waitSignal(window.state.project_changed, timeout=5000):
        panel.run_finished.emit(session.run_id, "completed", "")
    assert window.state.project is None  # closed once the run ended
