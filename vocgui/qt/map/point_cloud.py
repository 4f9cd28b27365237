"""The map's points as one pyqtgraph item drawn with numpy: a frame is one image.

pyqtgraph's ScatterPlotItem draws each point as a pixmap fragment and keeps a QBrush per
point: at 17,125 points a pan or zoom frame costs it about 2.5 times what this item needs,
and a new colouring or selection re-styles every point in Python (0.1-0.7 s). Here each
frame maps the points to device pixels, writes a small disc of each point's colour into
an ARGB buffer with one numpy assignment (points later in the array land on top), rings
the selected points above them all, and draws the buffer with one ``drawImage``
(``benchmarks/bench_map.py`` measures both). Colours and the selection are plain arrays:
changing them costs a numpy copy and a repaint.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

#: Opaque ARGB of a selected point's ring.
RING_ARGB = 0xFF111111


def disc_offsets(diameter: float, width: int) -> np.ndarray:
    """Flat buffer offsets (row width ``width``) of the pixels of a disc."""
    radius = diameter / 2
    reach = math.ceil(radius)
    dy, dx = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    inside = dx * dx + dy * dy <= radius * radius
    return (dy[inside] * width + dx[inside]).astype(np.int32)


def ring_offsets(inner: float, outer: float, width: int) -> np.ndarray:
    """Flat buffer offsets of the pixels between two discs (a ring of ``outer`` diameter)."""
    reach = math.ceil(outer / 2)
    dy, dx = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    d2 = dx * dx + dy * dy
    ring = (d2 > (inner / 2) ** 2) & (d2 <= (outer / 2) ** 2)
    return (dy[ring] * width + dx[ring]).astype(np.int32)


def to_device(transform: QTransform, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``xy`` (2, n) mapped by an affine ``transform`` (the painter's: view -> pixels)."""
    x, y = xy
    return (transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy())


class PointCloud(pg.GraphicsObject):
    """``n`` points of ``size`` pixels, one ARGB colour each (drawn opaque); selected ones
    ringed."""

    def __init__(self, size: float = 5.0, ring_size: float = 7.0) -> None:
        super().__init__()
        self.size, self.ring_size = size, ring_size
        self._xy = np.zeros((2, 0), dtype=np.float64)
        self._colours = np.zeros(0, dtype=np.uint32)
        self._selected = np.zeros(0, dtype=np.int64)
        self._bounds = (0.0, 0.0, 0.0, 0.0)

    # --- data ----------------------------------------------------------------------------
    def set_points(self, xy: np.ndarray, colours: np.ndarray) -> None:
        """Points at ``xy`` (n, 2) with ``colours`` (n,) 0xAARRGGBB; clears the selection."""
        self.prepareGeometryChange()
        self._xy = np.ascontiguousarray(np.asarray(xy, dtype=np.float64).T)
        self._selected = np.zeros(0, dtype=np.int64)
        self._bounds = ((*self._xy.min(axis=1), *self._xy.max(axis=1)) if self._xy.size
                        else (0.0, 0.0, 0.0, 0.0))
        self.set_colours(colours)
        self.informViewBoundsChanged()

    def set_colours(self, colours: np.ndarray) -> None:
        # Opaque: the buffer is drawn with alpha, and the points are not see-through.
        colours = np.asarray(colours, dtype=np.uint32) | np.uint32(0xFF000000)
        if len(colours) != self._xy.shape[1]:
            raise ValueError(f"{len(colours)} colours for {self._xy.shape[1]} points")
        self._colours = colours
        self.update()

    def colours(self) -> np.ndarray:
        return self._colours

    def set_selected(self, rows: np.ndarray) -> None:
        """Ring the points ``rows`` (drawn above the others)."""
        rows = np.asarray(rows, dtype=np.int64)
        self._selected = np.unique(rows[(rows >= 0) & (rows < self._xy.shape[1])])
        self.update()

    def selected(self) -> np.ndarray:
        """The ringed points, sorted."""
        return self._selected

    # --- geometry (what the ViewBox's auto-range and Qt's culling ask) -------------------
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802, ARG002
        if not self._xy.size:
            return (None, None)
        return (self._bounds[ax], self._bounds[ax + 2])

    def pixelPadding(self) -> float:  # noqa: N802 - pyqtgraph's name
        return self.ring_size / 2 + 1

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph's name
        # The padding is in pixels: the bounding rect changes with the zoom.
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        x0, y0, x1, y1 = self._bounds
        px, py = self.pixelVectors()
        pad_x = 0.0 if px is None else px.length() * self.pixelPadding()
        pad_y = 0.0 if py is None else py.length() * self.pixelPadding()
        return QRectF(x0 - pad_x, y0 - pad_y, x1 - x0 + 2 * pad_x, y1 - y0 + 2 * pad_y)

    # --- drawing -------------------------------------------------------------------------
    def paint(self, painter: QPainter, *_args) -> None:
        if not self._xy.size:
            return
        device = painter.device()
        dpr = device.devicePixelRatioF()
        area = painter.transform().mapRect(self.boundingRect()).intersected(
            QRectF(0, 0, device.width(), device.height()))
        if area.isEmpty():
            return
        left, top = math.floor(area.left()), math.floor(area.top())
        width = math.ceil((math.ceil(area.right()) - left) * dpr)
        height = math.ceil((math.ceil(area.bottom()) - top) * dpr)
        # A margin of two stamp radii: a point whose centre lies up to one radius outside
        # the area still shows its part, and no stamp leaves the buffer.
        reach = math.ceil(self.ring_size * dpr / 2)
        margin = 2 * reach
        stride = width + 2 * margin
        buffer = np.zeros((height + 2 * margin) * stride, dtype=np.uint32)
        x, y = to_device(painter.transform(), self._xy)
        bx = np.rint((x - left) * dpr).astype(np.int32) + margin
        by = np.rint((y - top) * dpr).astype(np.int32) + margin
        shown = (bx >= reach) & (bx < stride - reach) & (by >= reach) & (
            by < height + 2 * margin - reach)
        centres = by * stride + bx
        disc = disc_offsets(self.size * dpr, stride)
        visible = np.flatnonzero(shown)
        buffer[centres[visible, None] + disc] = self._colours[visible, None]
        ringed = self._selected[shown[self._selected]]
        if len(ringed):
            ring = ring_offsets(self.size * dpr, self.ring_size * dpr, stride)
            buffer[centres[ringed, None] + ring] = RING_ARGB
        image = QImage(buffer.data, stride, height + 2 * margin, stride * 4,
                       QImage.Format.Format_ARGB32_Premultiplied)
        painter.resetTransform()
        painter.drawImage(QRectF(left, top, width / dpr, height / dpr), image,
                          QRectF(margin, margin, width, height))
