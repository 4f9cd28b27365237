"""A list model of the visible rows whose icons are thumbnails, decoded only when asked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from vocgui.qt.app_state import AppState
from vocgui.qt.thumbnails.loader import ThumbnailLoader
from vocgui.qt.viewer.image_loader import DecodedImage, decode_image

#: data(index, ROW_ROLE) is the image's row id.
ROW_ROLE = Qt.ItemDataRole.UserRole


def decode_square(path: Path, max_side: int | None) -> DecodedImage:
    """Decode a thumbnail centred on a transparent square of ``max_side`` pixels.

    Every decoration then has the same size, so the view lays out all items alike and
    names line up under portrait and landscape pictures. Runs on a pool thread (painting
    on a QImage is thread-safe).
    """
    decoded = decode_image(path, max_side)
    if decoded.image is None or not max_side:
        return decoded
    return replace(decoded, image=_centred(decoded.image, max_side))


def _centred(image: QImage, side: int) -> QImage:
    square = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((side - image.width()) // 2, (side - image.height()) // 2, image)
    painter.end()
    return square


def _placeholder(size: int, mark: str) -> QImage:
    """A neutral tile shown while a thumbnail loads (mark '') or when it failed ('!')."""
    tile = QImage(size, size * 3 // 4, QImage.Format.Format_ARGB32_Premultiplied)
    tile.fill(QColor(128, 128, 128, 60))
    if mark:
        painter = QPainter(tile)
        font = painter.font()
        font.setPixelSize(size // 3)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#b02a37"))
        painter.drawText(tile.rect(), Qt.AlignmentFlag.AlignCenter, mark)
        painter.end()
    return _centred(tile, size)


class ThumbnailModel(QAbstractListModel):
    """Items are the rows of ``state.visible_mask``; the decoration asks ``loader``."""

    def __init__(self, state: AppState, loader: ThumbnailLoader, size: int,
                 parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.loader = loader
        self._rows = np.zeros(0, dtype=np.int64)
        self._loading = _placeholder(size, "")
        self._broken = _placeholder(size, "!")
        loader.thumbnail_ready.connect(lambda key, _image: self._row_updated(key))
        loader.failed.connect(lambda key, _reason: self._row_updated(key))

    def set_rows(self, rows: np.ndarray) -> None:
        """Show these row ids (ascending)."""
        self.beginResetModel()
        self._rows = np.asarray(rows, dtype=np.int64)
        self.endResetModel()

    def rows(self) -> np.ndarray:
        return self._rows

    def index_of_row(self, row: int) -> QModelIndex:
        """The model index showing image ``row`` (invalid when it is not shown)."""
        at = int(np.searchsorted(self._rows, row))
        if at < len(self._rows) and self._rows[at] == row:
            return self.index(at, 0)
        return QModelIndex()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        project = self.state.project
        if not index.isValid() or project is None or index.row() >= len(self._rows):
            return None
        row = int(self._rows[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return str(project.images["filename"].iat[row])
        if role == Qt.ItemDataRole.DecorationRole:
            image: QImage | None = self.loader.thumbnail(row, project.absolute_path(row))
            if image is not None:
                return image
            return self._broken if self.loader.failure(row) else self._loading
        if role == Qt.ItemDataRole.ToolTipRole:
            labels = ", ".join(project.labels_of(row)) or "no labels"
            failure = self.loader.failure(row)
            return (f"{project.images['filename'].iat[row]}\n{labels}"
                    + (f"\n{failure}" if failure else ""))
        if role == ROW_ROLE:
            return row
        return None

    def _row_updated(self, row: object) -> None:
        index = self.index_of_row(int(row))
        if index.isValid():
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
