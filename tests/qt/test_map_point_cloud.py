"""The map's numpy-drawn points land where the plot maps them, in their colours, with a
ring around the selected ones and nothing elsewhere; recolouring repaints."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from vocgui.qt.map.point_cloud import RING_ARGB
from vocgui.qt.map.scatter import MapScatter

COLOURS = np.array([0xFFFF0000, 0xFF00AA00, 0xFF0000FF, 0xFF444444, 0xFFFF00FF],
                   dtype=np.uint32)


def _pixel(image, scatter, xy, dx: int = 0) -> int:
    box = scatter.getViewBox()
    p = scatter.mapFromScene(box.mapViewToScene(QPointF(*xy)))
    dpr = image.devicePixelRatio()
    return image.pixel(round((p.x() + dx) * dpr), round(p.y() * dpr)) | 0xFF000000


def test_points_are_drawn_where_the_plot_maps_them(qtbot):
    scatter = MapScatter()
    qtbot.addWidget(scatter)
    scatter.resize(300, 200)
    scatter.show()
    xy = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [0.5, 0.5]], dtype=float)
    scatter.set_points(xy, COLOURS)
    scatter.set_selected(np.array([4]))
    qtbot.waitExposed(scatter)
    image = scatter.grab().toImage()
    for point, colour in zip(xy, COLOURS, strict=True):
        assert _pixel(image, scatter, point) == int(colour)
    assert _pixel(image, scatter, xy[4], dx=3) == RING_ARGB  # the selected one is ringed
    assert _pixel(image, scatter, xy[0], dx=3) == QColor("white").rgba()  # the others not
    assert _pixel(image, scatter, (0.25, 0.5)) == QColor("white").rgba()  # empty space

    scatter.set_colours(COLOURS[::-1].copy())
    image = scatter.grab().toImage()
    assert _pixel(image, scatter, xy[0]) == int(COLOURS[-1])
