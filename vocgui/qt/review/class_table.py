"""The per-class table: support, precision, recall, F1, AP and counts at the current
thresholds, with each class's threshold editable in place."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from vocgui.core.evaluation.confusion import ConfusionCounts
from vocgui.qt.review.review_session import ReviewSession

# (short header, column of RunReview.table, format): short, so the numbers fit the pane;
# each header's tooltip says what it is.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Class", "class", "{}"), ("N", "support", "{:d}"),
    ("P", "precision", "{:.3f}"), ("R", "recall", "{:.3f}"),
    ("F1", "f1", "{:.3f}"), ("Thr", "threshold", "{:.3f}"),
    ("AP", "ap", "{:.3f}"), ("VOC07", "ap_voc07", "{:.3f}"),
    ("VOC10", "ap_voc10", "{:.3f}"),
    ("TP", "tp", "{:d}"), ("FP", "fp", "{:d}"), ("FN", "fn", "{:d}"),
)
THRESHOLD_COLUMN = 5
#: Header tooltips: what each short header means, and which definition each AP is.
HEADER_TIPS = {
    "support": "Support: validation images that carry the class",
    "precision": "Precision at the class's threshold",
    "recall": "Recall at the class's threshold",
    "f1": "F1 at the class's threshold",
    "threshold": "The class's threshold (double-click to edit)",
    "ap": "scikit-learn's average precision (no interpolation)",
    "ap_voc07": "PASCAL VOC2007 devkit: 11-point interpolated AP (labels from difficult "
                "objects only are ignored)",
    "ap_voc10": "PASCAL VOC2010+ devkit: area under the monotone precision/recall curve "
                "(labels from difficult objects only are ignored)",
    "tp": "True positives at the threshold",
    "fp": "False positives at the threshold",
    "fn": "False negatives at the threshold",
}
#: Sort role: raw values, so the proxy sorts numbers as numbers.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class ClassTableModel(QAbstractTableModel):
    """One row per class of the run, in class order."""

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # Plain arrays per column: data() runs once per cell per update, and pandas
        # indexing there costs ~50 us a cell.
        self.names: list[str] = []
        self.values: dict[str, np.ndarray] = {}
        session.review_changed.connect(self._reset)
        session.counts_changed.connect(self._update)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(COLUMNS[section][1])
        return None

    def value(self, row: int, column: int) -> object:
        key = COLUMNS[column][1]
        return self.names[row] if key == "class" else self.values[key][row].item()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        value = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, float) and np.isnan(value):
                return "n/a"
            return COLUMNS[index.column()][2].format(
                int(value) if COLUMNS[index.column()][2] == "{:d}" else value)
        if role == Qt.ItemDataRole.EditRole:
            return float(value) if index.column() == THRESHOLD_COLUMN else value
        if role == SORT_ROLE:
            return str(value) if index.column() == 0 else float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == THRESHOLD_COLUMN:
            return "Double-click to set this class's threshold"
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, float) and np.isnan(value):
            return "undefined: no positive example of this class among these images"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == THRESHOLD_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != THRESHOLD_COLUMN:
            return False
        self.session.set_class_threshold(index.row(), min(max(float(value), 0.0), 1.0))
        return True

    def _take(self, table: pd.DataFrame) -> None:
        self.names = list(table.index)
        self.values = {key: table[key].to_numpy() for key in table.columns}

    def _reset(self) -> None:
        self.beginResetModel()
        review = self.session.review
        self._take(pd.DataFrame() if review is None
                   else review.table(self.session.thresholds))
        self.endResetModel()

    def _update(self, counts: ConfusionCounts) -> None:
        review = self.session.review
        if review is None:
            return
        self._take(review.table(self.session.thresholds, counts))
        if self.names:
            self.dataChanged.emit(self.index(0, 1),
                                  self.index(len(self.names) - 1, len(COLUMNS) - 1))


class _ThresholdDelegate(QStyledItemDelegate):
    """Edits a threshold with a spin box in [0, 1]."""

    def createEditor(self, parent: QWidget, option: object, index: Index) -> QWidget:  # noqa: N802
        editor = QDoubleSpinBox(parent)
        editor.setRange(0.0, 1.0)
        editor.setDecimals(3)
        editor.setSingleStep(0.01)
        return editor


class ClassTableView(QTableView):
    """The per-class table; ``class_activated(class_index)`` when a row is clicked."""

    class_activated = Signal(int)

    def __init__(self, model: ClassTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        # Start in the run's class order; a header click sorts by that column.
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.setItemDelegateForColumn(THRESHOLD_COLUMN, _ThresholdDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.clicked.connect(self._clicked)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() != THRESHOLD_COLUMN:
            self.class_activated.emit(self.proxy.mapToSource(index).row())
