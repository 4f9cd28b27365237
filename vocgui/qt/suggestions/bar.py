"""The line over the tag editor's classes that names the model making the suggestions,
lets the user choose another run, and accepts the suggestion from the mouse.

The caption never wraps (a narrow window made "Suggestions from run 7 (cross-validated,
5 folds)" four lines tall): it sits beside the buttons when its whole text fits there,
else on a row of its own above them, elided to that row with the whole text as tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget

from vocgui.qt.elided_label import ElidedLabel
from vocgui.qt.suggestions.source import SuggestionSource


class SuggestionBar(QWidget):
    """"Suggestions from run 7 (cross-validated, 5 folds)" [Model ▾] [Accept] [Accept + Next]."""

    def __init__(self, source: SuggestionSource, accept: Callable[[], bool],
                 accept_and_next: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.caption = ElidedLabel()
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
        source.changed.connect(self._update)
        self._update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place_caption()

    def caption_beside_buttons(self) -> bool:
        """Whether the caption is on the buttons' row (else on its own row above)."""
        return self._row.indexOf(self.caption) >= 0

    def _place_caption(self) -> None:
        buttons = sum(b.sizeHint().width() + self._row.spacing() for b in self._buttons)
        text = self.caption.fontMetrics().horizontalAdvance(self.caption.text())
        beside = text + buttons + 4 <= self.width()
        if self.caption.parent() is self and beside == self.caption_beside_buttons():
            return
        layout = self.layout()
        layout.removeWidget(self.caption)
        self._row.removeWidget(self.caption)
        if beside:
            self._row.insertWidget(0, self.caption, 1)
        else:
            layout.insertWidget(0, self.caption)
        # The stretch before the buttons right-aligns them only when the caption is away.
        self._row.setStretch(self._row.count() - len(self._buttons) - 1, 0 if beside else 1)

    def _update(self) -> None:
        self.caption.setText(self.source.caption())
        self._place_caption()
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
