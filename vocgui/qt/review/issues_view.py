"""Likely label errors: the ranked list with accept, reject and flag.

The issues are found (cleanlab) off the GUI thread whenever a run is loaded, but only
from a model clearly better than guessing by class frequency
(:meth:`RunReview.verdict`); for a weaker one the view says so and lists no fix to accept.
Accept pushes the label edits and a 'reviewed' mark as one undoable step; reject marks
the image 'reviewed' (its labels were checked and kept); flag marks it 'flagged'.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.evaluation.baseline import ModelVerdict
from vocgui.core.evaluation.label_fixes import fix_commands
from vocgui.core.evaluation.review_runs import checked_description, issues_summary
from vocgui.core.project.commands import Batch, Command, SetReview
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall
from vocgui.qt.review.issues_model import IssuesModel
from vocgui.qt.review.review_session import ReviewSession


class IssuesView(QWidget):
    """The likely-label-errors list of the run under review."""

    #: 'Show in gallery' was clicked: (image ids, caption).
    gallery_requested = Signal(object, str)

    def __init__(self, state: AppState, session: ReviewSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.session = state, session
        self.model = IssuesModel(state, session, self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.accept_button = QPushButton("Accept fix")
        self.accept_button.setToolTip("Change the labels as suggested (undoable) and mark the "
                                      "images reviewed")
        self.reject_button = QPushButton("Keep labels")
        self.reject_button.setToolTip("The labels are right: mark the images reviewed")
        self.flag_button = QPushButton("Flag")
        self.flag_button.setToolTip("Unsure: mark the images flagged for a second look")
        self.gallery_button = QPushButton("Show all in the gallery")
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.reject_button, self.flag_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.gallery_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.finder = BackgroundCall(self)
        self.finder.done.connect(self._found)
        self.finder.failed.connect(lambda message: self.summary.setText(
            f"Cannot look for label errors: {message}"))
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(
            lambda: self._push_review("reviewed", "Keep labels of"))
        self.flag_button.clicked.connect(lambda: self._push_review("flagged", "Flag"))
        self.gallery_button.clicked.connect(lambda: self.gallery_requested.emit(
            self.model.issues["row"].to_numpy(), "likely label errors"))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        session.review_changed.connect(self.find)
        self._selection_changed()

    def find(self) -> None:
        """Look for label issues of the run under review, in the background."""
        self.model.set_issues(pd.DataFrame())
        self.gallery_button.setEnabled(False)
        review = self.session.review
        if review is None:
            self.summary.setText("")
            return
        self.summary.setText("Looking for likely label errors…")
        # A LabelIssueError (e.g. a one-class run) reaches the summary through `failed`.
        self.finder.start(review.trusted_label_issues)

    def selected_items(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def accept_selected(self) -> None:
        """Apply the selected issues' suggested changes as one undoable step."""
        items = self.selected_items()
        if not items or self.state.project is None:
            return
        issues = self.model.issues.iloc[items]
        self._push_all(fix_commands(self.state.project, issues),
                       f"Accept label fix for {plural(len(items), 'image')}")

    def _push_review(self, status: str, verb: str) -> None:
        items = self.selected_items()
        if not items or self.state.project is None:
            return
        rows = self.model.issues["row"].iloc[items].to_numpy()
        self._push_all([SetReview(self.state.project, rows, status)],
                       f"{verb} {plural(len(rows), 'image')}")

    def _push_all(self, commands: list[Command], text: str) -> None:
        # One core command, one transaction: a failure leaves every label as it was.
        self.state.push(Batch(self.state.project, commands, text))

    def _found(self, found: tuple[ModelVerdict, pd.DataFrame]) -> None:
        verdict, issues = found
        self.model.set_issues(issues)
        self.gallery_button.setEnabled(len(issues) > 0)
        review, project = self.session.review, self.state.project
        n = 0 if review is None else len(review.rows)
        checked = (checked_description(project, self.session.run_id, n)
                   if project is not None and self.session.run_id is not None
                   else f"checked {plural(n, 'image')}")
        text = issues_summary(verdict, len(issues), checked)
        if verdict.clearly_better:  # a model this weak gets no one-click fixes
            text += " Select to view; accept, keep or flag."
        self.summary.setText(text)

    def _selection_changed(self, *_args: object) -> None:
        items = self.selected_items()
        for button in (self.accept_button, self.reject_button, self.flag_button):
            button.setEnabled(bool(items))
        if len(items) == 1:
            self.state.set_current_row(int(self.model.issues["row"].iat[items[0]]))
