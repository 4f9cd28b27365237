"""A grid of thumbnails of the rows the table's filter shows, loaded lazily."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from vocgui.qt.app_state import AppState
from vocgui.qt.thumbnails.grid_model import ROW_ROLE, ThumbnailModel, decode_square
from vocgui.qt.thumbnails.loader import ThumbnailLoader

THUMBNAIL_SIZE = 128


class ThumbnailGrid(QListView):
    """Icon view of ``state.visible_mask``; only thumbnails on screen are decoded.

    Clicking or activating a thumbnail makes its row the current one; a new current row
    from elsewhere is selected and scrolled to.
    """

    def __init__(self, state: AppState, parent: QWidget | None = None,
                 size: int = THUMBNAIL_SIZE) -> None:
        super().__init__(parent)
        self.state = state
        self.loader = ThumbnailLoader(size=size, decode=decode_square, parent=self)
        self.grid_model = ThumbnailModel(state, self.loader, size, parent=self)
        self.setModel(self.grid_model)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # no per-item size queries: nothing decodes early
        self.setIconSize(QSize(size, size))
        self.setGridSize(QSize(size + 16, size + self.fontMetrics().height() + 16))
        self.setSpacing(4)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.activated.connect(self._make_current)
        self.selectionModel().currentChanged.connect(
            lambda current, _previous: self._make_current(current))
        state.project_changed.connect(self._on_project_changed)
        state.filter_changed.connect(self._on_filter_changed)
        state.current_row_changed.connect(self._follow_current_row)
        self._on_project_changed(state.project)

    def _on_project_changed(self, _project: object) -> None:
        self.loader.clear()
        self._on_filter_changed(self.state.visible_mask)

    def _on_filter_changed(self, mask: np.ndarray) -> None:
        # Thumbnails asked for under the old filter are no longer worth decoding.
        self.loader.cancel_pending()
        self.grid_model.set_rows(np.flatnonzero(mask) if self.state.project is not None
                                 else np.zeros(0, dtype=np.int64))
        self._follow_current_row(self.state.current_row)

    def _make_current(self, index: QModelIndex) -> None:
        if index.isValid():
            self.state.set_current_row(int(index.data(ROW_ROLE)))

    def _follow_current_row(self, row: int) -> None:
        index = self.grid_model.index_of_row(row)
        if index.isValid() and index != self.currentIndex():
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.scrollTo(index)
