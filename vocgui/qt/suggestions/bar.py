"""The line over the tag editor's classes that names the model making the suggestions,
lets the user choose another run, and accepts the suggestion from the mouse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget

from vocgui.qt.suggestions.source import SuggestionSource


class SuggestionBar(QWidget):
    """"Suggestions from run 7 (cross-validated, 5 folds)" [Model ▾] [Accept] [Accept + Next]."""

    def __init__(self, source: SuggestionSource, accept: Callable[[], bool],
                 accept_and_next: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.caption = QLabel()
        self.caption.setWordWrap(True)
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption, 1)
        layout.addWidget(self.model_button)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.next_button)
        source.changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.caption.setText(self.source.caption())
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
