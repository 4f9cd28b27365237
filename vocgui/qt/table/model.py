"""``ImageTableModel``: a lazy Qt table over every image of a project, sorted and filtered
with numpy.

The model keeps one permutation array, ``order``: display position -> row id (image id).
Cells are computed from numpy columns when Qt asks for them (only visible cells are ever
asked for), so 1,000,000 rows cost a few arrays, not a million Python objects. Sorting and
filtering replace ``order`` (see ``TableColumns.full_order``), which is why this is not a
``QSortFilterProxyModel``: its per-row Python ``filterAcceptsRow`` is far too slow here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from vocgui.core.project import ChangeEvent
from vocgui.core.project.change_events import TABLE_EVENTS
from vocgui.core.suggestions import Suggestions
from vocgui.core.wording import plural
from vocgui.qt.table.columns import (
    HEADERS,
    REVIEW_SORT_ORDER,
    Column,
    TableColumns,
    TableSource,
)
from vocgui.qt.table.filter import TableFilter

#: The columns that show the current model's suggestions.
SUGGESTION_COLUMNS = (Column.SUGGESTED, Column.UNCERTAINTY)
#: Role returning the row id (image id) of a cell's row.
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role returning [(class name, '#rrggbb'), ...] for the Labels column.
LABEL_CHIPS_ROLE = Qt.ItemDataRole.UserRole + 2

_REVIEW_TEXT = {"unreviewed": "", "reviewed": "✓ reviewed", "flagged": "⚑ flagged"}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex


def contiguous_runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Sorted positions -> [(first, last), ...] runs of consecutive values."""
    if len(positions) == 0:
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1)
    starts = np.concatenate(([positions[0]], positions[breaks + 1]))
    ends = np.concatenate((positions[breaks], [positions[-1]]))
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


class ImageTableModel(QAbstractTableModel):
    """Table of images: one row per visible image in ``order``; see the module docstring."""

    #: The visible rows changed (filter or sort); argument: the bool mask over all rows.
    rows_changed = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: TableColumns | None = None
        self.filter = TableFilter()
        self.sort_column = Column.FILE
        self.sort_descending = False
        self.order = np.zeros(0, dtype=np.int64)
        self.mask = np.zeros(0, dtype=bool)
        self._positions: np.ndarray | None = None

    # --- content -----------------------------------------------------------------------
    def set_source(self, source: TableSource | None) -> None:
        """Show ``source`` (a Project), unfiltered and sorted as before; None empties it."""
        self.beginResetModel()
        self.columns = None if source is None else TableColumns(source)
        self.filter = TableFilter()
        self._recompute()
        self.endResetModel()
        self.rows_changed.emit(self.mask)

    def set_filter(self, table_filter: TableFilter) -> None:
        """Show only the rows ``table_filter`` passes."""
        self.filter = table_filter
        self._relayout()

    def set_suggestions(self, suggestions: Suggestions | None) -> None:
        """Show the model's ``suggestions`` (None: none) in the Suggested and Uncertainty
        columns; the rows are re-sorted and re-filtered only when those depend on them."""
        if self.columns is None:
            return
        self.columns.set_suggestions(suggestions)
        if self.sort_column in SUGGESTION_COLUMNS or self.filter.uses_suggestions():
            self._relayout()
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, Column.SUGGESTED),
                                  self.index(self.rowCount() - 1, Column.UNCERTAINTY))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column = Column(column)
        self.sort_descending = order == Qt.SortOrder.DescendingOrder
        self._relayout()

    def _relayout(self) -> None:
        # A reset, not layoutChanged: updating persistent indexes row by row would cost
        # O(rows) Python calls; the view restores selection and current row by row id.
        self.beginResetModel()
        self._recompute()
        self.endResetModel()
        self.rows_changed.emit(self.mask)

    def _recompute(self) -> None:
        self._positions = None
        if self.columns is None:
            self.order = np.zeros(0, dtype=np.int64)
            self.mask = np.zeros(0, dtype=bool)
            return
        self.mask = self.filter.mask(self.columns)
        full = self.columns.full_order(self.sort_column)
        if self.sort_descending:
            full = full[::-1]
        self.order = full[self.mask[full]].astype(np.int64, copy=False)

    @property
    def total_rows(self) -> int:
        return 0 if self.columns is None else self.columns.n_rows

    def row_id(self, position: int) -> int:
        return int(self.order[position])

    def positions_of(self, rows: np.ndarray) -> np.ndarray:
        """Display positions of row ids ``rows`` (-1 for rows the filter hides)."""
        if self._positions is None:
            self._positions = np.full(self.total_rows, -1, dtype=np.int64)
            self._positions[self.order] = np.arange(len(self.order))
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.total_rows)]
        return self._positions[rows]

    # --- edits -------------------------------------------------------------------------
    def on_data_changed(self, event: ChangeEvent) -> None:
        """Re-read what an edit changed and repaint only the affected visible rows.

        The filter is not re-applied: rows must not jump away under an annotator's cursor.
        """
        kind, rows = event.kind, event.rows
        if self.columns is None or kind not in TABLE_EVENTS:
            return
        if rows is None:  # any cell may have changed (e.g. a failed batch was undone)
            for each in ("labels", "review", "split"):
                self.columns.refresh(each)
        else:
            self.columns.refresh(kind, np.asarray(rows, dtype=np.int64))
        last_col = self.columnCount() - 1
        if rows is None or kind == "classes":
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, last_col))
            return
        positions = np.sort(self.positions_of(rows))
        runs = contiguous_runs(positions[positions >= 0])
        if len(runs) > 64:  # one repaint request instead of many
            runs = [(runs[0][0], runs[-1][1])]
        for first, last in runs:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))

    # --- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        title, tip = HEADERS[Column(section)]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.columns is None:
            return None
        position, column = index.row(), index.column()
        if not (0 <= position < len(self.order) and 0 <= column < len(Column)):
            return None
        row = int(self.order[position])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, Column(column), role == Qt.ItemDataRole.ToolTipRole)
        if role == ROW_ID_ROLE:
            return row
        if role == LABEL_CHIPS_ROLE and column == Column.LABELS:
            return self.columns.label_chips(row)
        if role == LABEL_CHIPS_ROLE and column == Column.SUGGESTED:
            return self.columns.label_chips(row, self.columns.suggested)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                Column.OBJECTS, Column.SIZE, Column.PROBLEMS, Column.UNCERTAINTY):
            return _RIGHT
        return None

    def _text(self, row: int, column: Column, tooltip: bool) -> str | None:
        c = self.columns
        assert c is not None
        if column == Column.FILE:
            return str(c.filename[row])
        if column == Column.LABELS:
            names = c.label_names(row)
            if tooltip:
                if not c.labeled[row]:
                    return "unlabeled: not labeled yet (tag it, or mark it reviewed)"
                return ", ".join(names) if names else "labeled: no class present"
            return ", ".join(names)
        if column == Column.OBJECTS:
            return str(int(c.n_objects[row]))
        if column == Column.SIZE:
            w, h = int(c.width[row]), int(c.height[row])
            return f"{w}×{h}" if w and h else "?"
        if column == Column.SPLIT:
            return str(c.split[row]) or ("no split (not in ImageSets/Main)" if tooltip else "–")
        if column == Column.REVIEW:
            code = int(c.review[row])
            status = REVIEW_SORT_ORDER[code] if code >= 0 else "unknown"
            if status == "unreviewed" and not c.labeled[row]:
                return "unlabeled" if tooltip else "○ unlabeled"
            return status if tooltip else _REVIEW_TEXT.get(status, status)
        if column == Column.SUGGESTED:
            names = c.label_names(row, c.suggested)
            if not tooltip:
                return ", ".join(names)
            if c.suggestions is None or not c.suggestions.scored[row]:
                return "no suggestion: no model has scored this image"
            return (f"{c.suggestions.name} suggests: {', '.join(names) or 'no class'}"
                    + (" (all scores confident)" if c.confident[row] else ""))
        if column == Column.UNCERTAINTY:
            value = float(c.uncertainty[row])
            if value != value:  # NaN: not scored
                return "not scored by the model" if tooltip else ""
            return f"uncertainty {value:.3f} (1 = a class at 0.5)" if tooltip else f"{value:.2f}"
        n = int(c.n_problems[row])
        if tooltip:
            return f"{plural(n, 'problem')}: see the Problems panel" if n else "no problems"
        return str(n) if n else ""
