"""Muted textured backgrounds (noise, gradient, stripes) for the demo images.

Low saturation keeps them from looking like any class colour, while the texture keeps a
model from solving the task by finding "any non-flat region".
"""

from __future__ import annotations

import numpy as np


def _muted_color(rng: np.random.Generator) -> np.ndarray:
    return np.clip(rng.uniform(70, 190) + rng.uniform(-22, 22, 3), 0, 255)


def _noise(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    # Coarse blotches (upsampled low-res noise) plus fine grain.
    cell = int(rng.integers(8, 24))
    coarse = rng.normal(0, 28, ((h + cell - 1) // cell, (w + cell - 1) // cell, 1))
    blotches = np.repeat(np.repeat(coarse, cell, 0), cell, 1)[:h, :w]
    return _muted_color(rng) + blotches + rng.normal(0, 10, (h, w, 1))


def _gradient(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    angle = rng.uniform(0, np.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    t = xx * np.cos(angle) + yy * np.sin(angle)
    t = ((t - t.min()) / max(np.ptp(t), 1))[..., None]
    return _muted_color(rng) * (1 - t) + _muted_color(rng) * t


def _stripes(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(8, 30)
    yy, xx = np.mgrid[0:h, 0:w]
    wave = (np.sin(2 * np.pi * (xx * np.cos(angle) + yy * np.sin(angle)) / period) > 0)
    a, b = _muted_color(rng), _muted_color(rng)
    return np.where(wave[..., None], a, b)


_TEXTURES = (_noise, _gradient, _stripes)


def background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A random muted texture, uint8 of shape (height, width, 3)."""
    texture = _TEXTURES[int(rng.integers(len(_TEXTURES)))]
    return np.clip(texture(rng, height, width), 0, 255).astype(np.uint8)
