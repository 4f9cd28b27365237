"""The demo classes: one shape in one colour each, drawn into a box with Pillow.

Shape and colour both tell the classes apart, so a small CNN learns them quickly even at
64 px; backgrounds are kept muted (see ``backgrounds.py``) so no class colour hides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import ImageDraw

Box = tuple[int, int, int, int]  # x0, y0, x1, y1, pixels inclusive


@dataclass(frozen=True)
class ShapeClass:
    """One demo class: its name, base colour, share of images it appears in, and its
    ``width / height`` ratio (the drawn box has this aspect)."""

    name: str
    color: tuple[int, int, int]
    frequency: float
    aspect: float = 1.0


def _star_points(x0: int, y0: int, x1: int, y1: int) -> list[tuple[float, float]]:
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    points = []
    for k in range(10):
        r = 1.0 if k % 2 == 0 else 0.45
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * rx * math.cos(angle), cy + r * ry * math.sin(angle)))
    # The star's lowest points sit above y1; stretch it so its bounds are the box.
    ys = [p[1] for p in points]
    scale = (y1 - y0) / (max(ys) - min(ys))
    return [(x, y0 + (y - min(ys)) * scale) for x, y in points]


def _cross_points(x0: int, y0: int, x1: int, y1: int) -> list[tuple[float, float]]:
    t = (x1 - x0) / 3
    a, b = x0 + t, x1 - t
    c, d = y0 + t, y1 - t
    return [(a, y0), (b, y0), (b, c), (x1, c), (x1, d), (b, d), (b, y1), (a, y1), (a, d),
            (x0, d), (x0, c), (a, c)]


def _hexagon_points(x0: int, y0: int, x1: int, y1: int) -> list[tuple[float, float]]:
    q = (x1 - x0) / 4
    cy = (y0 + y1) / 2
    return [(x0 + q, y0), (x1 - q, y0), (x1, cy), (x1 - q, y1), (x0 + q, y1), (x0, cy)]


def draw_shape(canvas: ImageDraw.ImageDraw, name: str, box: Box,
               fill: tuple[int, int, int]) -> None:
    """Draw class ``name`` filling ``box`` exactly (its bounding box is ``box``)."""
    x0, y0, x1, y1 = box
    if name == "circle":
        canvas.ellipse(box, fill=fill)
    elif name == "square":
        canvas.rectangle(box, fill=fill)
    elif name == "ring":
        canvas.ellipse(box, outline=fill, width=max(3, (x1 - x0) // 5))
    elif name == "triangle":
        canvas.polygon([(x0, y1), (x1, y1), ((x0 + x1) / 2, y0)], fill=fill)
    elif name == "diamond":
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        canvas.polygon([(cx, y0), (x1, cy), (cx, y1), (x0, cy)], fill=fill)
    elif name == "star":
        canvas.polygon(_star_points(*box), fill=fill)
    elif name == "cross":
        canvas.polygon(_cross_points(*box), fill=fill)
    elif name == "hexagon":
        canvas.polygon(_hexagon_points(*box), fill=fill)
    else:
        raise ValueError(f"unknown demo shape {name!r}")


def jittered(color: tuple[int, int, int], rng: np.random.Generator) -> tuple[int, int, int]:
    """The class colour, shifted a little per object so colour is not a single value."""
    shifted = np.clip(np.array(color) + rng.integers(-18, 19, 3), 0, 255)
    return (int(shifted[0]), int(shifted[1]), int(shifted[2]))
