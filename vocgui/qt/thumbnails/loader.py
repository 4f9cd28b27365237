"""Lazy thumbnails for any view (the thumbnail grid, the review gallery).

Usage::

    loader = ThumbnailLoader(size=128)
    loader.thumbnail_ready.connect(on_ready)        # (key, QImage), on the GUI thread
    loader.failed.connect(on_failed)                # (key, reason)
    image = loader.thumbnail(row, project.absolute_path(row))   # QImage now, or None
                                                                # and a signal later

Ask only for what is on screen (a model's ``data(DecorationRole)`` is the natural
place); the newest requests decode first and old waiting ones are dropped, so fast
scrolling never queues up work. Decoded thumbnails stay in an LRU cache bounded in bytes.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from vocgui.qt.viewer.image_loader import DecodedImage, Decoder, ImageLoader, decode_image


class ThumbnailLoader(ImageLoader):
    """An :class:`ImageLoader` for thumbnails of at most ``size`` pixels a side."""

    #: A thumbnail is ready: (key, QImage).
    thumbnail_ready = Signal(object, QImage)
    #: A thumbnail cannot be made: (key, one-line reason naming the file).
    failed = Signal(object, str)

    def __init__(self, size: int = 128, cache_bytes: int = 48 * 2**20, max_threads: int = 2,
                 max_pending: int = 256, decode: Decoder = decode_image,
                 parent: QObject | None = None) -> None:
        super().__init__(max_side=size, cache_bytes=cache_bytes, max_threads=max_threads,
                         max_pending=max_pending, decode=decode, parent=parent)
        self.ready.connect(self._announce)

    def thumbnail(self, key: Hashable, path: str | Path) -> QImage | None:
        """The cached thumbnail of ``key``, or None (then a signal follows, unless failed).

        A key that failed before returns None without retrying; ``failure(key)`` says why.
        """
        decoded = self.request(key, path)
        return decoded.image if decoded is not None else None

    def failure(self, key: Hashable) -> str:
        """Why ``key`` has no thumbnail ('' when it has one or was not tried yet)."""
        decoded = self.cache.get(key)
        return decoded.reason() if decoded is not None and not decoded.ok else ""

    def _announce(self, key: Hashable, decoded: DecodedImage) -> None:
        if decoded.ok:
            self.thumbnail_ready.emit(key, decoded.image)
        else:
            self.failed.emit(key, decoded.reason())
