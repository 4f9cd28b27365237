"""The per-class table: support, precision, recall, F1 and AP of each class at one epoch.

Filled from the ``per_class`` part of an epoch event's metrics (lists in class order, see
:mod:`vocgui.training.events`). Sortable by any column through a proxy model; numbers
sort as numbers (the model returns them under ``Qt.UserRole``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

#: (key in ``per_class``, header) of the numeric columns, after the class name.
#: (metric key, short header, header tooltip): short, so the numbers fit a narrow pane.
COLUMNS = (("support", "N", "Support: validation images with the class"),
           ("precision", "P", "Precision"), ("recall", "R", "Recall"), ("f1", "F1", "F1"),
           ("ap", "AP", "Average precision"))

_Index = QModelIndex | QPersistentModelIndex


def _as_float(value: object) -> float:
    """A table value as a float; NaN where it is missing or undefined (AP without positives)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


class ClassMetricsModel(QAbstractTableModel):
    """Rows = classes; columns = class name + :data:`COLUMNS`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._classes: list[str] = []
        self._values: list[list[float]] = []  # one row of len(COLUMNS) floats per class

    def set_per_class(self, per_class: Mapping | None) -> None:
        """Show an epoch's ``per_class`` dict (None or empty clears the table)."""
        self.beginResetModel()
        per_class = per_class or {}
        self._classes = [str(c) for c in per_class.get("class", [])]
        columns = [list(per_class.get(key) or []) for key, _, _ in COLUMNS]
        self._values = [
            [_as_float(col[i]) if i < len(col) else math.nan for col in columns]
            for i in range(len(self._classes))
        ]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._classes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1 + len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section <= len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Class" if section == 0 else COLUMNS[section - 1][1]
        if role == Qt.ItemDataRole.ToolTipRole and section:
            return COLUMNS[section - 1][2]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole):
                return self._classes[row]
            return None
        value = self._values[row][column - 1]
        if role == Qt.ItemDataRole.UserRole:
            return -1.0 if math.isnan(value) else value
        if role == Qt.ItemDataRole.DisplayRole:
            if math.isnan(value):
                return "–"
            return str(int(value)) if COLUMNS[column - 1][0] == "support" else f"{value:.3f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and math.isnan(value):
            return "undefined: no positive example of this class in the validation set"
        return None


class ClassMetricsView(QTableView):
    """A sortable table over a :class:`ClassMetricsModel` (``self.metrics``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics = ClassMetricsModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.metrics)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(20)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
