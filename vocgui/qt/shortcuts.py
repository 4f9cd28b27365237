"""Keyboard-first editing: the keys an annotator uses on the table (and the viewer).

- the class keys (1..9, 0 by default, customisable in Settings) toggle class 1..10 on the
  selection, or on the current image when nothing is selected;
- Space or Enter marks the current image (or the selection) reviewed and moves to the next;
- F flags it (F again unflags it);
- A accepts the model's suggestion, S accepts it and moves to the next image, L jumps to
  the next image of the Label next queue (``bind``: qt/suggestions/actions.py).

The keys are handled by an event filter on the widgets that show the current image rather
than as window-wide shortcuts, so typing in a text box (the tag editor's type-ahead) never
edits labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from vocgui.core.project.commands import AddLabel, RemoveLabel, SetReview
from vocgui.qt.app_state import AppState

_REVIEW_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier
#: The editor's own keys, which a class key may not take over.
_OWN_KEYS = {Qt.Key.Key_Space: "Mark Reviewed and Next", Qt.Key.Key_Return: "Mark Reviewed "
             "and Next", Qt.Key.Key_Enter: "Mark Reviewed and Next",
             Qt.Key.Key_F: "Flag / Unflag", Qt.Key.Key_A: "Accept Suggestion",
             Qt.Key.Key_S: "Accept Suggestion and Next", Qt.Key.Key_L: "Label Next"}


def class_key_problem(keys: Sequence[str], taken: Mapping[str, str]) -> str | None:
    """Why ``keys`` cannot be the class keys, or None when they can.

    Each must be one key without Ctrl/Alt/Shift (the editor ignores modified keys), and
    none may be a key the editor or a menu already uses: ``taken`` maps the menus' plain
    shortcuts ('F1') to their action's name.
    """
    seen: dict[int, str] = {}
    taken_keys = {QKeySequence(k)[0].key(): what for k, what in taken.items()
                  if QKeySequence(k).count() == 1}
    for text in keys:
        sequence = QKeySequence(text)
        if sequence.count() != 1 or sequence[0].keyboardModifiers() or \
                sequence[0].key() == Qt.Key.Key_unknown:
            return f"'{text}' is not a single key without Ctrl, Alt or Shift."
        key = sequence[0].key()
        name = sequence.toString()
        if key in _OWN_KEYS or key in taken_keys:
            return (f"'{name}' already means {_OWN_KEYS.get(key) or taken_keys[key]}; "
                    "choose another key.")
        if key in seen:
            return f"'{name}' is given twice ({seen[key]} and {text})."
        seen[key] = text
    return None


class KeyboardEditor(QObject):
    """Turns annotation keys into undoable edits on ``state``.

    ``move_next()`` moves the current image to the next shown row; returns False at the end.
    """

    def __init__(self, state: AppState, class_keys: list[str],
                 move_next: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.move_next = move_next
        self._bound: dict[Qt.Key, Callable[[], bool]] = {}
        self.set_class_keys(class_keys)

    def bind(self, key: Qt.Key, handler: Callable[[], bool]) -> None:
        """Handle the plain key ``key`` (one of the editor's own keys) with ``handler``,
        which returns whether it did something."""
        if key not in _OWN_KEYS:
            raise ValueError(f"{key!r} is not one of the editor's own keys")
        self._bound[key] = handler

    def set_class_keys(self, keys: list[str]) -> None:
        """Keys for class 1..len(keys), as QKeySequence strings ('1', 'Q', ...)."""
        self._class_keys = {QKeySequence(k)[0].key(): i for i, k in enumerate(keys)}
        self.class_keys = list(keys)

    def install(self, widget: QWidget) -> None:
        """Handle the annotation keys while ``widget`` has the keyboard focus."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~_IGNORED_MODIFIERS:
            return False  # Ctrl+1, Shift+Space ... keep their usual meaning
        key = event.key()
        if key in self._class_keys:
            return self.toggle_class(self._class_keys[key])
        if key in _REVIEW_KEYS:
            return self.mark_reviewed_and_next()
        if key == Qt.Key.Key_F:
            return self.toggle_flag()
        if key in self._bound:
            return self._bound[key]()
        return False

    # --- the edits ---------------------------------------------------------------------
    def toggle_class(self, index: int) -> bool:
        """Add class ``index`` to the edited rows, or remove it when all of them have it."""
        project, rows = self.state.project, self.state.edit_rows()
        if project is None or len(rows) == 0 or index >= len(project.classes):
            return False
        name = project.classes[index]
        if project.labels[rows, index].all():
            self.state.push(RemoveLabel(project, rows, name))
        else:
            self.state.push(AddLabel(project, rows, name))
        return True

    def mark_reviewed_and_next(self) -> bool:
        """Mark the edited rows reviewed, then move to the next image."""
        project, rows = self.state.project, self.state.edit_rows()
        if project is None or len(rows) == 0:
            return False
        if not (project.images["review"].to_numpy()[rows] == "reviewed").all():
            self.state.push(SetReview(project, rows, "reviewed"))
        self.move_next()
        return True

    def toggle_flag(self) -> bool:
        """Flag the edited rows; unflag (back to unreviewed) when all are flagged."""
        project, rows = self.state.project, self.state.edit_rows()
        if project is None or len(rows) == 0:
            return False
        flagged = project.images["review"].to_numpy()[rows] == "flagged"
        status = "unreviewed" if np.all(flagged) else "flagged"
        self.state.push(SetReview(project, rows, status))
        return True
