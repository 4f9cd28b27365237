"""The Problems panel: everything the loader reported; clicking one selects its image."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import Project
from vocgui.core.voc.dataset import Problem
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState

_HEADERS = ("Kind", "File", "Message")
_Index = QModelIndex | QPersistentModelIndex


class ProblemsModel(QAbstractTableModel):
    """Read-only table of ``Problem``s: kind, file, message."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(_HEADERS)):
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.problems):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        problem = self.problems[index.row()]
        value = (problem.kind, problem.file, problem.message)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and problem.image:
            return f"{value}\n(click to select {problem.image} in the table)"
        return value


class ProblemsPanel(QWidget):
    """Lists the open project's loader problems; a click selects the image concerned."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = ProblemsModel(self)
        self.summary = QLabel()
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        # Long paths lose their middle, not the file name at their end (the tooltip has
        # the whole path).
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.resizeSection(0, 130)
        header.resizeSection(1, 260)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        self._rows_by_name: dict[str, int] | None = None
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        state.project_changed.connect(self._project_changed)
        self._project_changed(state.project)

    def _project_changed(self, project: Project | None) -> None:
        problems = [] if project is None else project.problems
        self.model.set_problems(problems)
        self._rows_by_name = None
        if project is None:
            self.summary.setText("No project open.")
        elif problems:
            self.summary.setText(f"The loader reported {plural(len(problems), 'problem')}. "
                                 "Click one to select its image.")
        else:
            self.summary.setText("The loader reported no problems.")

    def row_of(self, problem: Problem) -> int | None:
        """The table row of the image ``problem`` names, if it names one in the project."""
        project = self.state.project
        if project is None or not problem.image:
            return None
        if self._rows_by_name is None:  # built on the first click only
            names = project.images["filename"].tolist()
            self._rows_by_name = {name: row for row, name in enumerate(names)}
        return self._rows_by_name.get(problem.image)

    def _clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.row_of(self.model.problems[index.row()])
        if row is not None:
            self.state.request_selection(np.array([row], dtype=np.int64))
