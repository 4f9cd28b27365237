"""Find similar: a gallery of the images nearest to one image, nearest first.

By the newest run's features when one has them (cosine distance), else by perceptual
hash (bits; the hashes the Duplicates tab caches, computed here if missing). Clicking a
thumbnail makes it the current image.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from vocgui.core.duplicates.cache import refresh_hashes
from vocgui.core.embedding_map import load_run_features, runs_with_features
from vocgui.core.similar import similar_by_features, similar_by_hash
from vocgui.qt.app_state import AppState
from vocgui.qt.thumbnails.loader import ThumbnailLoader

THUMBNAIL_SIZE = 128
#: How many neighbours the gallery shows.
NEIGHBOURS = 24


def nearest(state: AppState, row: int, k: int = NEIGHBOURS) -> tuple[np.ndarray, list[str], str]:
    """(rows, a caption for each, how they were found) for image ``row``.

    Hashing missing images reads every new file once (the Duplicates tab does the same
    on a worker); the features path reads one array.
    """
    project = state.project
    runs = runs_with_features(project)
    features = (load_run_features(project.path, runs[0], len(project.images))
                if runs else None)
    if features is not None:
        rows, distance = similar_by_features(features, row, k)
        return rows, [f"{d:.3f}" for d in distance], f"by run {runs[0]}'s features (cosine)"
    cache = project.image_hash_cache()
    if not cache.known.all():
        cache, changed = refresh_hashes(project.absolute_paths(), cache)
        project.save_image_hashes(changed, cache)
    rows, distance = similar_by_hash(cache, row, k)
    return rows, [f"{int(d)} bits" for d in distance], "by perceptual hash (no run has features)"


class SimilarDialog(QDialog):
    """The gallery for one image; non-modal, so the viewer and tag editor stay usable."""

    def __init__(self, state: AppState, row: int, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        project = state.project
        name = project.images["filename"].iat[row]
        self.setWindowTitle(f"Images similar to {name}")
        self.rows, captions, how = nearest(state, row)
        self.caption = QLabel(f"{len(self.rows)} images nearest to <b>{name}</b>, {how}, "
                              "nearest first. Click one to show it.")
        self.caption.setWordWrap(True)
        self.gallery = QListWidget(viewMode=QListWidget.ViewMode.IconMode,
                                   resizeMode=QListWidget.ResizeMode.Adjust,
                                   movement=QListWidget.Movement.Static)
        self.gallery.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.gallery.setGridSize(QSize(THUMBNAIL_SIZE + 24, THUMBNAIL_SIZE + 48))
        self.loader = ThumbnailLoader(size=THUMBNAIL_SIZE, parent=self)
        self.loader.thumbnail_ready.connect(self._thumbnail_ready)
        self._items: dict[int, QListWidgetItem] = {}
        for r, caption in zip(self.rows, captions, strict=True):
            r = int(r)
            item = QListWidgetItem(f"{project.images['filename'].iat[r]}\n{caption}")
            item.setData(Qt.ItemDataRole.UserRole, r)
            item.setToolTip(", ".join(project.labels_of(r)) or "no labels")
            image = self.loader.thumbnail(r, project.absolute_path(r))
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            self.gallery.addItem(item)
            self._items[r] = item
        self.gallery.itemClicked.connect(
            lambda item: state.set_current_row(int(item.data(Qt.ItemDataRole.UserRole))))
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.gallery, 1)
        self.resize(760, 520)

    def _thumbnail_ready(self, key: object, image: QImage) -> None:
        item = self._items.get(int(key))
        if item is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))
