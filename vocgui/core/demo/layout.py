"""What each demo image shows: its size, its classes and where each object goes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.demo.shapes import Box, ShapeClass

#: (width, height) aspect ratios the images are drawn at.
ASPECTS = ((1, 1), (4, 3), (3, 4), (3, 2), (2, 3), (16, 9), (9, 16))
MIN_SIDE, MAX_SIDE = 96, 320
MAX_OBJECTS = 4
#: Object size as a share of the image's shorter side.
MIN_SCALE, MAX_SCALE = 0.24, 0.45


@dataclass(frozen=True)
class DemoObject:
    name: str
    box: Box


def image_size(rng: np.random.Generator) -> tuple[int, int]:
    """A (width, height) with both sides in [MIN_SIDE, MAX_SIDE] and one of ASPECTS."""
    aw, ah = ASPECTS[int(rng.integers(len(ASPECTS)))]
    long_side = int(rng.integers(max(MIN_SIDE * max(aw, ah) // min(aw, ah), 128), MAX_SIDE + 1))
    if aw >= ah:
        return long_side, max(MIN_SIDE, round(long_side * ah / aw))
    return max(MIN_SIDE, round(long_side * aw / ah)), long_side


def choose_classes(rng: np.random.Generator, classes: tuple[ShapeClass, ...]) -> list[str]:
    """Each class independently with its frequency; redrawn until at least one is in, at
    most MAX_OBJECTS kept. Then extra copies of those classes up to 1-4 objects."""
    freq = np.array([c.frequency for c in classes])
    while True:
        present = np.flatnonzero(rng.random(len(classes)) < freq)
        if len(present):
            break
    if len(present) > MAX_OBJECTS:
        present = rng.choice(present, MAX_OBJECTS, replace=False)
    names = [classes[j].name for j in sorted(present)]
    target = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
    while len(names) < target:
        names.append(names[int(rng.integers(len(names)))])
    return names


def _overlap(a: Box, b: Box) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def place_objects(rng: np.random.Generator, names: list[str], aspects: dict[str, float],
                  width: int, height: int) -> list[DemoObject]:
    """Non-overlapping boxes inside the image; an object that does not fit after some
    tries (shrinking as it goes) is left out, the first one always fits."""
    placed: list[DemoObject] = []
    short = min(width, height)
    for name in names:
        scale = rng.uniform(MIN_SCALE, MAX_SCALE)
        for attempt in range(40):
            if attempt and attempt % 10 == 0:
                scale = max(MIN_SCALE * 0.85, scale * 0.85)
            h = int(scale * short)
            w = int(h * aspects[name])
            x0 = int(rng.integers(0, width - w))
            y0 = int(rng.integers(0, height - h))
            box = (x0, y0, x0 + w - 1, y0 + h - 1)
            if not any(_overlap(box, o.box) for o in placed):
                placed.append(DemoObject(name, box))
                break
    return placed
