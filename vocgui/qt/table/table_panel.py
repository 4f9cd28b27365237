"""The image table with its filter bar, wired to the shared ``AppState``.

Selection and current row are kept by row id (image id) across filter and sort changes:
the model resets on those, and this panel re-selects the rows that are still shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import ChangeEvent, Project
from vocgui.qt.app_state import AppState
from vocgui.qt.lazy_tabs import add_lazy_tab
from vocgui.qt.table.chips_delegate import LabelChipsDelegate
from vocgui.qt.table.columns import HEADERS, Column
from vocgui.qt.table.filter import TableFilter
from vocgui.qt.table.filter_bar import FilterBar
from vocgui.qt.table.model import SUGGESTION_COLUMNS, ImageTableModel, contiguous_runs

if TYPE_CHECKING:
    from vocgui.qt.suggestions import SuggestionSource

_Flag = QItemSelectionModel.SelectionFlag


#: Width of the Labels column while the Suggested column is shown beside it.
_LABELS_BESIDE_SUGGESTIONS = 170
#: Pixels a header section needs beyond its title for the sort arrow and the margins.
SORT_ARROW_ROOM = 24


class ImageTablePanel(QWidget):
    """Filter bar + table of images; the table's selection drives ``state``."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = ImageTableModel(self)
        self.filter_bar = FilterBar(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.FILE, Qt.SortOrder.AscendingOrder)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        # Fixed row heights: Qt never measures 1M rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # Each column at least as wide as its title plus the sort arrow, which would
        # otherwise be drawn over the title ('Objects').
        title_room = header.fontMetrics().horizontalAdvance
        for column, width in ((Column.FILE, 125), (Column.LABELS, 220), (Column.OBJECTS, 50),
                              (Column.SIZE, 70), (Column.SPLIT, 45), (Column.REVIEW, 70),
                              (Column.PROBLEMS, 60), (Column.SUGGESTED, 150),
                              (Column.UNCERTAINTY, 60)):
            header.resizeSection(column, max(width, title_room(HEADERS[column][0])
                                             + SORT_ARROW_ROOM))
        header.setSectionResizeMode(Column.LABELS, QHeaderView.ResizeMode.Stretch)
        for position, column in enumerate(SUGGESTION_COLUMNS, start=Column.LABELS + 1):
            header.moveSection(header.visualIndex(column), position)
            self.view.setColumnHidden(column, True)  # until a model has scored the images
        self._chips = LabelChipsDelegate(self.view)
        self.view.setItemDelegateForColumn(Column.LABELS, self._chips)
        self.view.setItemDelegateForColumn(Column.SUGGESTED, self._chips)
        self._suggestions: SuggestionSource | None = None
        self.view.setToolTip("Arrows move · 1–9, 0 toggle the first ten classes · "
                             "Space/Enter: reviewed and next · F: flag · "
                             "A / S: accept the suggestion (and next) · L: label next")

        # Other views of the same filtered rows (the thumbnail grid) go in tabs beside the
        # table, under the filter bar, so the filter and the count stay in sight.
        self.views = QTabWidget(self)
        self.views.setDocumentMode(True)
        self.views.setTabPosition(QTabWidget.TabPosition.South)
        self.views.addTab(self.view, "Table")
        self.views.tabBar().setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.views, 1)

        self._syncing = False
        self.filter_bar.filter_edited.connect(self.model.set_filter)
        self.model.rows_changed.connect(self._rows_changed)
        self.model.modelAboutToBeReset.connect(self._begin_sync)
        self.view.selectionModel().selectionChanged.connect(self._selection_edited)
        self.view.selectionModel().currentRowChanged.connect(self._current_edited)
        state.project_changed.connect(self._project_changed)
        state.changed.connect(self._data_changed)
        state.class_filter_requested.connect(self._class_filter_requested)
        state.rows_filter_requested.connect(self._rows_filter_requested)
        state.selection_requested.connect(self.select_rows)
        state.current_row_changed.connect(self._current_requested)

    # --- public ------------------------------------------------------------------------
    def set_filter(self, table_filter: TableFilter) -> None:
        """Apply ``table_filter`` (and show it in the filter bar)."""
        self.filter_bar.set_filter(table_filter)
        self.model.set_filter(table_filter)

    def set_suggestions(self, source: SuggestionSource) -> None:
        """Show ``source``'s suggestions in the Suggested and Uncertainty columns."""
        self._suggestions = source
        source.changed.connect(self._suggestions_changed)
        self._suggestions_changed()

    def _suggestions_changed(self) -> None:
        suggestions = None if self._suggestions is None else self._suggestions.suggestions
        self.model.set_suggestions(suggestions)
        # The model's columns sit beside the labels, shown only when there is a model;
        # then the labels stop taking all the width left, so the three share it.
        has = suggestions is not None
        header = self.view.horizontalHeader()
        if has == header.isSectionHidden(Column.SUGGESTED):
            for column in SUGGESTION_COLUMNS:
                self.view.setColumnHidden(column, not has)
            header.setSectionResizeMode(Column.LABELS, QHeaderView.ResizeMode.Interactive
                                        if has else QHeaderView.ResizeMode.Stretch)
            if has:
                header.resizeSection(Column.LABELS, _LABELS_BESIDE_SUGGESTIONS)

    def add_view(self, title: str, make: Callable[[], QWidget]) -> None:
        """Add a tab beside the table whose widget ``make()`` builds when the tab is first
        shown (it follows ``state`` on its own from then on)."""
        add_lazy_tab(self.views, title, make)
        self.views.tabBar().setVisible(True)

    def select_rows(self, rows: np.ndarray) -> None:
        """Select row ids ``rows`` and make the first current; clears a filter hiding them."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return
        if (self.model.positions_of(rows) < 0).any():
            self.set_filter(TableFilter())
        self._publish_selection(self._select(rows, int(rows[0])))

    def move_current(self, step: int) -> bool:
        """Make the row ``step`` positions below the current one current and selected."""
        position = self.view.currentIndex().row() + step
        if not 0 <= position < self.model.rowCount():
            return False
        index = self.model.index(position, Column.FILE)
        self.view.selectionModel().setCurrentIndex(index, _Flag.ClearAndSelect | _Flag.Rows)
        self.view.scrollTo(index)
        return True

    # --- model -> view/state -----------------------------------------------------------
    def _begin_sync(self) -> None:
        # Qt clears the selection on reset without signals; ignore what follows until the
        # rows are re-selected from state.
        self._syncing = True

    def _rows_changed(self, mask: np.ndarray) -> None:
        current, selected = self.state.current_row, self.state.selected_rows
        if self.model.rowCount() and self._position(current) < 0:
            current = self.model.row_id(0)  # the current image was filtered out
        if current >= 0 and not (self.model.positions_of(selected) >= 0).any():
            selected = np.array([current])
        shown = self._select(selected, current)
        self._syncing = False
        self._publish_selection(shown)
        self.filter_bar.set_counts(self.model.rowCount(), self.model.total_rows)
        self.state.set_visible_mask(mask)

    def _select(self, rows: np.ndarray, current: int) -> np.ndarray:
        """Select row ids ``rows`` (those shown) and make ``current`` the current row;
        returns the row ids now selected (sorted)."""
        syncing, self._syncing = self._syncing, True
        positions = np.unique(self.model.positions_of(rows))
        positions = positions[positions >= 0]
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        # One range per run of consecutive display positions (the table's sort and
        # filter order); createIndex, not index(): no Python rowCount/columnCount check
        # per call (benchmarks/bench_map.py).
        add, index_at = selection.select, self.model.createIndex
        for first, end in contiguous_runs(positions):
            add(index_at(first, 0), index_at(end, last))
        model = self.view.selectionModel()
        # Clear, then select: ClearAndSelect compares the old ranges with the new ones
        # pairwise inside Qt (0.15 s for a lasso of 4,000 ranges after another one).
        model.clearSelection()
        model.select(selection, _Flag.Select)
        position = self._position(current)
        if position >= 0:
            index = self.model.index(position, Column.FILE)
            model.setCurrentIndex(index, _Flag.NoUpdate)
            self.view.scrollTo(index)
        else:
            model.setCurrentIndex(QModelIndex(), _Flag.NoUpdate)
        self._syncing = syncing
        return np.sort(self.model.order[positions])

    def _position(self, row: int) -> int:
        """Display position of row id ``row``; -1 when hidden or not a row."""
        positions = self.model.positions_of(np.array([row]))
        return int(positions[0]) if len(positions) else -1

    # --- view -> state -----------------------------------------------------------------
    def _selected_row_ids(self) -> np.ndarray:
        # From selection ranges, not selectedRows(): select-all on 1M rows stays cheap.
        parts = [self.model.order[r.top(): r.bottom() + 1]
                 for r in self.view.selectionModel().selection()]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))

    def _publish_selection(self, selected: np.ndarray) -> None:
        self.state.set_selected_rows(selected)
        index = self.view.currentIndex()
        self.state.set_current_row(self.model.row_id(index.row()) if index.isValid() else -1)

    def _selection_edited(self) -> None:
        if not self._syncing:
            self.state.set_selected_rows(self._selected_row_ids())

    def _current_edited(self, current: QModelIndex) -> None:
        if not self._syncing:
            self.state.set_current_row(self.model.row_id(current.row())
                                       if current.isValid() else -1)

    # --- state -> view -----------------------------------------------------------------
    def _project_changed(self, project: Project | None) -> None:
        self.filter_bar.set_filter(TableFilter())
        self.filter_bar.set_classes([] if project is None else list(project.classes))
        self.model.set_source(project)
        self._suggestions_changed()

    def _data_changed(self, event: ChangeEvent) -> None:
        self.model.on_data_changed(event)
        if event.kind == "classes" and self.state.project is not None:
            self.filter_bar.set_classes(list(self.state.project.classes))

    def _class_filter_requested(self, classes: list[str], mode: str) -> None:
        self.set_filter(replace(self.model.filter, classes=tuple(classes), class_mode=mode))

    def _rows_filter_requested(self, rows: np.ndarray, caption: str) -> None:
        self.set_filter(replace(self.model.filter, rows=rows, rows_caption=caption))

    def _current_requested(self, row: int) -> None:
        index = self.view.currentIndex()
        shown = self.model.row_id(index.row()) if index.isValid() else -1
        if row != shown and row >= 0:
            self.state.set_selected_rows(self._select(np.array([row]), row))
