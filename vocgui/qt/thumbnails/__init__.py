"""The thumbnail grid of the current filter and the reusable lazy thumbnail loader."""

from vocgui.qt.thumbnails.loader import ThumbnailLoader
from vocgui.qt.thumbnails.thumbnail_grid import ThumbnailGrid

__all__ = ["ThumbnailGrid", "ThumbnailLoader"]
