"""The state every view of the main window shares: the open project, the undo stack,
the current filter, the selection and the current image.

Views read from here and connect to its signals; they change labels only by pushing core
commands (``push``), which run the project's transactional edit methods.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from vocgui.core.project import ChangeEvent, Project
from vocgui.core.project.commands import Command


class _QtCommand(QUndoCommand):
    """Adapts an already executed core command (redo/undo/text) to Qt's undo stack."""

    def __init__(self, command: Command) -> None:
        super().__init__(command.text)
        self.command = command
        # QUndoStack.push calls redo() once; the command has run already (see push()).
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.command.redo()

    def undo(self) -> None:
        self.command.undo()


class AppState(QObject):
    """Shared state of one main window. Signals fire on the GUI thread."""

    #: The project was opened, replaced or closed (argument: Project or None).
    project_changed = Signal(object)
    #: Labels, review status or classes changed: (kind, rows ndarray or None, columns).
    data_changed = Signal(str, object, object)
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
    #: An edit was refused before it ran, e.g. on a read-only project (argument: message).
    edit_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.undo_stack = QUndoStack(self)
        self.visible_mask: np.ndarray = np.zeros(0, dtype=bool)
        self.selected_rows: np.ndarray = np.zeros(0, dtype=np.int64)
        self.current_row: int = -1

    # --- the project -------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        """Make ``project`` the open one (closing the previous one) and tell every view."""
        if self.project is not None and self.project is not project:
            self.project.events.disconnect(self._forward)
            self.project.close()
        self.project = project
        self.undo_stack.clear()
        n = 0 if project is None else len(project.images)
        self.visible_mask = np.ones(n, dtype=bool)
        self.selected_rows = np.zeros(0, dtype=np.int64)
        self.current_row = -1
        if project is not None:
            project.events.connect(self._forward)
        self.project_changed.emit(project)

    def _forward(self, event: ChangeEvent) -> None:
        self.data_changed.emit(event.kind, event.rows, event.columns)

    def push(self, command: Command) -> None:
        """Run a core edit command and put it on the undo stack.

        The command runs first, so one that fails (it raises, and the project's
        transaction left nothing changed) never lands on the stack. On a project opened
        read-only nothing runs: ``edit_refused`` says why.
        """
        if self.project is not None and self.project.read_only:
            self.edit_refused.emit(
                f"{self.project.path.name} is open read-only: '{command.text}' was not "
                "made. Open it again without read-only to edit.")
            return
        command.redo()
        self.undo_stack.push(_QtCommand(command))

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
