"""Image files to the uint8 pixels the flow pipeline feeds a model, without TensorFlow.

``read_resized(path, size, antialias)`` gives a (size, size, 3) uint8 array resized the
way the run's :class:`~vocgui.training.preprocessing.Preprocessing` says, the way the
tf.data pipeline does it (measured in tests/training/test_pixel_tolerance.py):

- JPEGs are decoded by libjpeg-turbo through simplejpeg with the integer-fast IDCT, which
  is what ``tf.io.decode_jpeg`` uses by default (its ``dct_method=""``), so both
  pipelines start from the same pixels. Anything else (PNG, BMP, GIF, WebP, TIFF, CMYK
  JPEGs, a JPEG libjpeg-turbo only warns about) goes through Pillow, as Keras' load_img.
- ``antialias=False``: bilinear without widening the filter, OpenCV's ``INTER_LINEAR``
  (tf.image.resize's half-pixel bilinear, antialias off) on uint8: within one grey level
  of tf.data's pixels, at about a seventh of the cost of Pillow's resize.
- ``antialias=True``: Pillow's bilinear, whose triangle filter widens with the reduction
  (as tf.image.resize with ``antialias=True`` and Keras' load_img). JPEGs at least four
  times the target on both sides first decode at a reduced DCT scale (1/2, 1/4 or 1/8)
  that still leaves twice the target: most of the decoding work saved for a small,
  stated difference.

The GIL is released while decoding and resizing, so threads decode in parallel.
"""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

import cv2
import numpy as np
import simplejpeg
from PIL import Image

#: JPEG colour spaces libjpeg-turbo turns into RGB the way Pillow does; CMYK and YCCK
#: go through Pillow's own conversion, as load_img does.
_TURBO_COLOURSPACES = {"YCbCr", "Gray", "RGB"}
# One thread inside OpenCV: the pipeline's workers already run one image each, and
# OpenCV's own pool would only compete with them for the same cores.
cv2.setNumThreads(1)


def dct_factor(width: int, height: int, size: int) -> int:
    """The DCT scale divisor (1, 2, 4 or 8) for an antialiased resize to ``size``: the
    largest that still leaves at least twice ``size`` on both sides."""
    fits = min(width, height) // (2 * size)
    return next((f for f in (8, 4, 2) if fits >= f), 1)


def _turbo_rgb(data: bytes, size: int, antialias: bool) -> np.ndarray | None:
    """RGB of a JPEG from libjpeg-turbo, or None where Pillow must decode it."""
    try:
        height, width, colourspace, _ = simplejpeg.decode_jpeg_header(data)
        if colourspace not in _TURBO_COLOURSPACES:
            return None
        factor = dct_factor(width, height, size) if antialias else 1
        # The smallest scale with at least these sides is exactly 1/factor.
        return simplejpeg.decode_jpeg(data, "RGB", fastdct=True,
                                      min_height=-(-height // factor),
                                      min_width=-(-width // factor))
    except ValueError:  # not a JPEG, or one libjpeg-turbo finds damaged: Pillow decides
        return None


def _pillow_image(path: str, size: int, antialias: bool) -> Image.Image:
    with Image.open(path) as img:
        if antialias and img.format == "JPEG":
            img.draft("RGB", (2 * size, 2 * size))
        return img.convert("RGB") if img.mode != "RGB" else img.copy()


def read_resized(path: str | Path, size: int, antialias: bool) -> np.ndarray:
    """The image at ``path`` as a (size, size, 3) uint8 array (see the module docstring).

    Raises what Pillow raises for a file it cannot decode (OSError and its kin)."""
    with open(path, "rb") as file:
        data = file.read()
    rgb = _turbo_rgb(data, size, antialias) if data[:2] == b"\xff\xd8" else None
    if antialias:
        image = Image.fromarray(rgb) if rgb is not None else _pillow_image(str(path), size, True)
        if image.size != (size, size):
            image = image.resize((size, size), Image.Resampling.BILINEAR)
        return np.asarray(image)
    if rgb is None:
        rgb = np.asarray(_pillow_image(str(path), size, False))
    if rgb.shape[:2] == (size, size):
        return rgb
    return cv2.resize(rgb, (size, size), interpolation=cv2.INTER_LINEAR)


def read_batch(paths, size: int, antialias: bool, pool: Executor | None = None) -> np.ndarray:
    """``read_resized`` of each path, stacked: (len(paths), size, size, 3) uint8; in
    ``pool``'s threads when given (the images of one batch decode in parallel)."""
    batch = np.empty((len(paths), size, size, 3), dtype=np.uint8)

    def read(i: int) -> None:
        batch[i] = read_resized(paths[i], size, antialias)

    if pool is None:
        for i in range(len(paths)):
            read(i)
    else:
        for _ in pool.map(read, range(len(paths))):  # re-raises a worker's error here
            pass
    return batch
