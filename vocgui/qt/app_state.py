"""The state every view of the main window shares: the open project, the undo stack,
the current filter, the selection and the current image.

Views read from here and connect to its signals; they change labels only by pushing core
commands (``push``), which run the project's transactional edit methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from vocgui.core.project import ChangeEvent, Project, ProjectError, RunEvent
from vocgui.core.project.commands import Command

log = logging.getLogger(__name__)


#: Edit failures that only need saying (the status bar); every other ProjectError also
#: gets a dialog, since the user must act (free disk space, fix the file's permissions).
_SAY_ONLY = (ValueError, KeyError)


class _QtCommand(QUndoCommand):
    """Adapts an already executed core command (redo/undo/text) to Qt's undo stack.

    An undo or redo that fails (the file became read-only, the disk is full) changed
    nothing: the failure goes to ``state``'s error channel and the stack steps back to
    where it was, so its position keeps matching the labels.
    """

    def __init__(self, command: Command, state: AppState) -> None:
        super().__init__(command.text)
        self.command = command
        self.state = state
        # QUndoStack.push calls redo() once; the command has run already (see push()).
        self._skip = True

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if not self.state.report_failure(self.command.redo, f"Redo {self.command.text}"):
            self._step_back(self.state.undo_stack.undo)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        if not self.state.report_failure(self.command.undo, f"Undo {self.command.text}"):
            self._step_back(self.state.undo_stack.redo)
        elif self.command.left.cells:  # someone else changed some of its cells since
            self.state.edit_refused.emit(self.command.left.message(), False)

    def _step_back(self, move: Callable[[], None]) -> None:
        # Qt moves its index after this returns; move it back then, without running the
        # command again.
        self._skip = True
        QTimer.singleShot(0, move)


class AppState(QObject):
    """Shared state of one main window. Signals fire on the GUI thread."""

    #: The project was opened, replaced or closed (argument: Project or None).
    project_changed = Signal(object)
    #: The project's labels, review, classes, splits or boxes changed (argument: the
    #: core's ChangeEvent, whole).
    changed = Signal(object)
    #: A run of the project started, logged an epoch, saved predictions or ended
    #: (argument: the core's RunEvent, whole).
    run_changed = Signal(object)
    #: The set of rows the table shows changed (argument: bool mask over all rows).
    filter_changed = Signal(object)
    #: A view asks the table to show only these classes: (class names, mode 'any'|'all'|'none').
    class_filter_requested = Signal(object, str)
    #: A view asks the table to show exactly these rows (ndarray), with a caption.
    rows_filter_requested = Signal(object, str)
    #: The selected rows changed (argument: ndarray of row ids, sorted).
    selection_changed = Signal(object)
    #: A view asks for these rows to be selected (ndarray).
    selection_requested = Signal(object)
    #: The current image changed (argument: row id, -1 for none).
    current_row_changed = Signal(int)
    #: An edit (or its undo) was not made: the project is read-only, the file could not be
    #: written, the edit was invalid. (message, needs_action: also worth a dialog). Every
    #: failed edit comes here, never only to stderr.
    edit_refused = Signal(str, bool)
    #: A team project's server was lost (False, the reason) or reached again (True, '').
    team_status = Signal(bool, str)
    #: A note of another process's edit (from the listener thread; queued to this one).
    _remote_note = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.undo_stack = QUndoStack(self)
        self.visible_mask: np.ndarray = np.zeros(0, dtype=bool)
        self.selected_rows: np.ndarray = np.zeros(0, dtype=np.int64)
        self.current_row: int = -1
        self._listener = None  # a TeamListener while a team project is open
        self._remote_note.connect(self._apply_remote)

    # --- the project -------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        """Make ``project`` the open one (closing the previous one) and tell every view."""
        if self.project is not None and self.project is not project:
            self.project.events.disconnect(self._forward)
            self.project.run_events.disconnect(self._forward_run)
            self._stop_listening()
            self.project.close()
        self.project = project
        self.undo_stack.clear()
        n = 0 if project is None else len(project.images)
        self.visible_mask = np.ones(n, dtype=bool)
        self.selected_rows = np.zeros(0, dtype=np.int64)
        self.current_row = -1
        if project is not None:
            project.events.connect(self._forward)
            project.run_events.connect(self._forward_run)
            if project.is_team:
                self._listen(project)
        self.project_changed.emit(project)

    def _listen(self, project: Project) -> None:
        """Hear other processes' edits of a team project (on a thread of the listener's
        own; each note is handed to the GUI thread through a queued signal)."""
        from vocgui.core.project.team_events import TeamListener

        self._listener = TeamListener(project.location, self._remote_note.emit,
                                      self.team_status.emit)
        self._listener.start()

    def _stop_listening(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _apply_remote(self, note: dict) -> None:
        if self.project is None:
            return
        try:
            self.project.apply_remote(note)
        except ProjectError as exc:  # the server went away meanwhile: said by team_status
            log.info("could not read another user's edit: %s", exc)

    def _forward(self, event: ChangeEvent) -> None:
        if event.kind == "images":
            # Rows were appended: every view rebuilds as for a newly opened project, but
            # the undo stack stays (existing row ids did not change).
            n = len(self.project.images)
            self.visible_mask = np.ones(n, dtype=bool)
            self.selected_rows = np.zeros(0, dtype=np.int64)
            self.current_row = -1
            self.project_changed.emit(self.project)
            return
        self.changed.emit(event)

    def _forward_run(self, event: RunEvent) -> None:
        self.run_changed.emit(event)

    def push(self, command: Command) -> bool:
        """Run a core edit command and put it on the undo stack.

        The command runs first, so one that fails (the project's transaction left
        nothing changed) never lands on the stack: ``edit_refused`` says why, as it does
        on a project opened read-only, where nothing runs. Returns whether it was made.
        """
        if self.project is not None and self.project.read_only:
            self.edit_refused.emit(
                f"{self.project.path.name} is open read-only: '{command.text}' was not "
                "made. Open it again without read-only to edit.", False)
            return False
        if not self.report_failure(command.redo, command.text):
            return False
        self.undo_stack.push(_QtCommand(command, self))
        return True

    def report_failure(self, run: Callable[[], None], what: str) -> bool:
        """Run ``run`` (one edit); if it fails, say so on ``edit_refused`` and return
        False. The project's transaction left the file and memory as they were. A store
        failure asks the user to act unless the project is open read-only (then the
        refusal is expected and only said)."""
        try:
            run()
        except ProjectError as exc:
            log.warning("%s failed: %s", what, exc)
            self.edit_refused.emit(f"'{what}' was not made: {exc}",
                                   not (self.project is not None and self.project.read_only))
            return False
        except _SAY_ONLY as exc:
            log.warning("%s refused: %s", what, exc)
            self.edit_refused.emit(f"'{what}' was not made: {exc}", False)
            return False
        return True

    # --- filter, selection, current row ------------------------------------------------
    def set_visible_mask(self, mask: np.ndarray) -> None:
        """Called by the table when its filter result changes."""
        self.visible_mask = mask
        self.filter_changed.emit(mask)

    def set_selected_rows(self, rows: np.ndarray) -> None:
        """Called by the table when the user's selection changes."""
        self.selected_rows = np.asarray(rows, dtype=np.int64)
        self.selection_changed.emit(self.selected_rows)

    def set_current_row(self, row: int) -> None:
        """Called by the table (or any view) to change the image shown and edited."""
        if row != self.current_row:
            self.current_row = row
            self.current_row_changed.emit(row)

    def request_class_filter(self, classes: list[str], mode: str = "any") -> None:
        self.class_filter_requested.emit(list(classes), mode)

    def request_rows_filter(self, rows: np.ndarray, caption: str) -> None:
        self.rows_filter_requested.emit(np.asarray(rows, dtype=np.int64), caption)

    def request_selection(self, rows: np.ndarray) -> None:
        self.selection_requested.emit(np.asarray(rows, dtype=np.int64))

    def edit_rows(self) -> np.ndarray:
        """Rows an edit applies to: the selection, or the current row when none is selected."""
        if len(self.selected_rows):
            return self.selected_rows
        if self.current_row >= 0:
            return np.array([self.current_row], dtype=np.int64)
        return np.zeros(0, dtype=np.int64)
