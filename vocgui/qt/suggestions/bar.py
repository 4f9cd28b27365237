"""The lines over the tag editor's classes that name the model making the suggestions and
the thresholds it suggests at, let the user choose another run, and accept the
suggestion from the mouse.

Neither text ever wraps (a narrow window made "Suggestions from run 7 (cross-validated,
5 folds)" four lines tall): both sit beside the buttons when they fit there; else the
model's caption gets a row of its own above, and then the thresholds' note too when it
does not fit beside the buttons either. Each is elided to its row, its whole text (and
for the note each class's threshold and where it came from) in its tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.qt.elided_label import ElidedLabel
from vocgui.qt.suggestions.source import SuggestionSource


class SuggestionBar(QWidget):
    """"Suggestions from run 7 (cross-validated, 5 folds)" "thresholds tuned on 480
    images" [Model ▾] [Accept] [Accept + Next]."""

    def __init__(self, source: SuggestionSource, accept: Callable[[], bool],
                 accept_and_next: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.caption = ElidedLabel()
        #: Which thresholds the suggestions are made at ("thresholds tuned on 480 images").
        self.thresholds_note = ElidedLabel()
        for label in (self.caption, self.thresholds_note):  # a line each, never taller
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.model_button = QToolButton(text="Model")
        self.model_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.model_button.setToolTip("Choose the run whose model makes the suggestions")
        self.model_menu = QMenu(self)
        self.model_menu.aboutToShow.connect(self._fill_menu)
        self.model_button.setMenu(self.model_menu)
        self.accept_button = QPushButton("Accept (A)")
        self.accept_button.setToolTip("Set the labels to the model's suggestion (one undoable "
                                      "edit)")
        self.accept_button.clicked.connect(lambda: accept())
        self.next_button = QPushButton("Accept + Next (S)")
        self.next_button.setToolTip("Accept the suggestion and go to the next image")
        self.next_button.clicked.connect(lambda: accept_and_next())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._row = QHBoxLayout()
        self._row.addStretch(1)
        self._buttons = (self.model_button, self.accept_button, self.next_button)
        for button in self._buttons:
            self._row.addWidget(button)
        layout.addLayout(self._row)
        self._rows_used = 0  # how many texts are on rows of their own (0, 1 or 2)
        source.changed.connect(self._update)
        self._update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_texts()

    def caption_beside_buttons(self) -> bool:
        """Whether the caption is on the buttons' row (else on its own row above)."""
        return self._row.indexOf(self.caption) >= 0

    def note_beside_buttons(self) -> bool:
        """Whether the thresholds' note is on the buttons' row."""
        return self._row.indexOf(self.thresholds_note) >= 0

    def _place_texts(self) -> None:
        gap = self._row.spacing()
        room = self.width() - sum(b.sizeHint().width() + gap for b in self._buttons) - 4
        caption, note = (label.fontMetrics().horizontalAdvance(label.text()) + gap
                         for label in (self.caption, self.thresholds_note))
        above = 0 if caption + note <= room else 1 if note <= room else 2
        if self.caption.parent() is self and above == self._rows_used:
            return
        self._rows_used = above
        layout = self.layout()
        for label in (self.caption, self.thresholds_note):
            layout.removeWidget(label)
            self._row.removeWidget(label)
        # Rows above the buttons first, then what stays beside them, left of the stretch.
        texts = (self.caption, self.thresholds_note)
        for i, label in enumerate(texts[:above]):
            layout.insertWidget(i, label)
        for i, label in enumerate(texts[above:]):
            self._row.insertWidget(i, label, 1 if label is texts[-1] else 0)
        # The stretch before the buttons right-aligns them only when no text is beside.
        self._row.setStretch(self._row.count() - len(self._buttons) - 1, 1 if above == 2 else 0)

    def _update(self) -> None:
        self.caption.setText(self.source.caption())
        note, details = self.source.thresholds_note()
        self.thresholds_note.setText(note)
        if details:  # the whole note, then each class's threshold and where it came from
            self.thresholds_note.setToolTip(f"{note}\n\n{details}")
        self._place_texts()
        has = self.source.suggestions is not None
        self.accept_button.setEnabled(has)
        self.next_button.setEnabled(has)
        self.model_button.setEnabled(bool(self.source.runs))

    def _fill_menu(self) -> None:
        menu = self.model_menu
        menu.clear()
        group = QActionGroup(menu)
        choices = [(None, "Newest completed run (default)"), *self.source.runs]
        for run_id, name in choices:
            action = QAction(name, menu, checkable=True)
            action.setChecked(run_id == self.source.chosen_run)
            action.triggered.connect(lambda _=False, r=run_id: self.source.choose_run(r))
            group.addAction(action)
            menu.addAction(action)
