"""The likely-label-errors table: one row per issue, with its suggested change and what
the user decided.

Decisions live in the project, not in a side record: an accepted fix changes the labels
(so the image differs from the labels the run was scored against: "fixed"), a rejected
one marks the image 'reviewed' ("kept"), a flagged one marks it 'flagged'. They survive
restarts, are undoable like any edit, and the next run's review sees the fixed labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from vocgui.core.project import ChangeEvent
from vocgui.qt.app_state import AppState
from vocgui.qt.review.review_session import ReviewSession

HEADERS = ("Image", "Quality", "Given labels", "Suggested change", "Status")
STATUS_COLOURS = {"fixed": "#2e7d32", "kept": "#555555", "flagged": "#c62828"}

Index = QModelIndex | QPersistentModelIndex


def change_text(add: tuple[str, ...], remove: tuple[str, ...]) -> str:
    """'+dog −cat' for a suggested change."""
    return " ".join([f"+{name}" for name in add] + [f"−{name}" for name in remove])


class IssuesModel(QAbstractTableModel):
    """Rows of ``find_label_issues``; the status column is read live from the project."""

    def __init__(self, state: AppState, session: ReviewSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.session = state, session
        self.issues = pd.DataFrame()
        state.changed.connect(self._data_changed)

    def set_issues(self, issues: pd.DataFrame) -> None:
        self.beginResetModel()
        self.issues = issues.reset_index(drop=True)
        self.endResetModel()

    def issue(self, item: int) -> pd.Series:
        return self.issues.iloc[item]

    def status(self, item: int) -> str:
        """'fixed', 'kept', 'flagged' or 'open' for the issue at ``item``."""
        project, review = self.state.project, self.session.review
        if project is None or review is None:
            return "open"
        row = int(self.issues["row"].iat[item])
        run_labels = set(self.issues["given"].iat[item])
        now = set(project.labels_of(row)) & set(review.classes)
        if now != run_labels:
            return "fixed"
        review_status = project.images["review"].iat[row]
        return {"reviewed": "kept", "flagged": "flagged"}.get(review_status, "open")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        project = self.state.project
        if not index.isValid() or project is None:
            return None
        issue = self.issue(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return project.images["filename"].iat[int(issue["row"])]
            if column == 1:
                return f"{issue['quality']:.3f}"
            if column == 2:
                return ", ".join(issue["given"]) or "(none)"
            if column == 3:
                return change_text(issue["add"], issue["remove"])
            return self.status(index.row())
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            colour = STATUS_COLOURS.get(self.status(index.row()))
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"label quality {issue['quality']:.3f}: the calibrated probability of "
                    "its least likely label (lower = more likely wrong); suggested labels: "
                    f"{', '.join(issue['suggested']) or '(none)'}")
        return None

    def _data_changed(self, event: ChangeEvent) -> None:
        rows = event.rows
        if event.kind not in ("labels", "review", "classes") or self.issues.empty:
            return
        if rows is not None and not np.isin(self.issues["row"].to_numpy(), rows).any():
            return
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.issues) - 1, 4))
