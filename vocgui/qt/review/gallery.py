"""A gallery of the images behind a number: thumbnails sorted by score, each with the
labels it was scored against and the model's scores.

Thumbnails load lazily (only for items on screen) through the shared
:class:`~vocgui.qt.thumbnails.loader.ThumbnailLoader`. Clicking an image makes it the
app's current image, so the viewer and the tag editor show it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import ChangeEvent
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.review.review_session import ReviewSession
from vocgui.qt.thumbnails.loader import ThumbnailLoader

THUMBNAIL_SIZE = 112
#: Role holding an item's image id.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    """The images of one question ("dog: false positives"), in the given order."""

    def __init__(self, state: AppState, session: ReviewSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.session = state, session
        self.rows = np.zeros(0, dtype=np.int64)
        self.focus_class: int | None = None
        self._item_of: dict[int, int] = {}
        self.loader = ThumbnailLoader(size=THUMBNAIL_SIZE, parent=self)
        self.loader.thumbnail_ready.connect(self._thumbnail_ready)
        self._placeholder = QPixmap(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self._placeholder.fill(QColor("#dddddd"))
        state.changed.connect(self._labels_changed)

    def set_rows(self, rows: np.ndarray, focus_class: int | None) -> None:
        """Show ``rows`` (image ids of the reviewed run) with ``focus_class``'s score first."""
        self.beginResetModel()
        self.rows = np.asarray(rows, dtype=np.int64)
        self.focus_class = focus_class
        self._item_of = {int(r): i for i, r in enumerate(self.rows)}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        project, review = self.state.project, self.session.review
        if not index.isValid() or project is None or review is None:
            return None
        row = int(self.rows[index.row()])
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DecorationRole:
            image = self.loader.thumbnail(row, project.absolute_path(row))
            return image if image is not None else self._placeholder
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        position = int(review.positions([row])[0])
        scores, truth = review.scores[position], review.y_true[position]
        given = [review.classes[k] for k in np.flatnonzero(truth)]
        filename = project.images["filename"].iat[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [filename, f"labels in the run: {', '.join(given) or '(none)'}",
                     f"labels now: {', '.join(project.labels_of(row)) or '(none)'}"]
            lines += [f"{'✓' if truth[k] else '  '} {review.classes[k]}: {scores[k]:.3f}"
                      for k in np.argsort(-scores)[:8]]
            return "\n".join(lines)
        k = self.focus_class if self.focus_class is not None else int(np.argmax(scores))
        relabelled = set(given) != (set(project.labels_of(row)) & set(review.classes))
        return (f"{review.classes[k]} {scores[k]:.2f}\n{', '.join(given) or '(none)'}"
                + ("\n(relabelled)" if relabelled else ""))

    def _labels_changed(self, event: ChangeEvent) -> None:
        """Relabelled images get their '(relabelled)' mark at once."""
        rows = event.rows
        if not len(self.rows) or event.kind not in ("labels", "classes"):
            return
        touched = self.rows if rows is None else np.intersect1d(self.rows, rows)
        for row in touched:
            index = self.index(self._item_of[int(row)])
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def _thumbnail_ready(self, key: object, _image: QImage) -> None:
        item = self._item_of.get(key) if isinstance(key, int) else None
        if item is not None:
            index = self.index(item)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class Gallery(QWidget):
    """Caption, thumbnails and 'Show in table'."""

    def __init__(self, state: AppState, session: ReviewSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._caption = ""
        self.model = GalleryModel(state, session, self)
        self.caption = QLabel("Click a confusion cell or a class to see its images")
        self.show_button = QPushButton("Show these in the table")
        self.show_button.setEnabled(False)
        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(True)
        self.view.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.view.setGridSize(QSize(THUMBNAIL_SIZE + 28, THUMBNAIL_SIZE + 52))
        self.view.setModel(self.model)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.view.clicked.connect(self._open)
        self.view.activated.connect(self._open)
        self.show_button.clicked.connect(self._show_in_table)
        session.review_changed.connect(lambda: self.show_rows(np.zeros(0, np.int64), None, ""))

    def show_rows(self, rows: np.ndarray, focus_class: int | None, caption: str) -> None:
        """Show ``rows`` (already sorted) under ``caption``."""
        self.model.set_rows(rows, focus_class)
        self._caption = caption
        self.caption.setText(f"{caption}: {plural(len(rows), 'image')}" if caption else
                             "Click a confusion cell or a class to see its images")
        self.show_button.setEnabled(len(rows) > 0)

    def caption_text(self) -> str:
        return self._caption

    def shown_rows(self) -> np.ndarray:
        return self.model.rows.copy()

    def _open(self, index: QModelIndex) -> None:
        self.state.set_current_row(int(index.data(ROW_ROLE)))

    def _show_in_table(self) -> None:
        self.state.request_rows_filter(self.model.rows, self._caption)
