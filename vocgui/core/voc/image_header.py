"""Image width, height and channel count from the file header, without decoding pixels."""

from __future__ import annotations

from PIL import Image, UnidentifiedImageError

#: Channels per Pillow mode; modes not listed count their bands.
_MODE_DEPTH = {"1": 1, "L": 1, "P": 3, "RGB": 3, "RGBA": 4, "CMYK": 4, "YCbCr": 3,
               "LA": 2, "I": 1, "F": 1, "I;16": 1}


class ImageHeaderError(Exception):
    """The file is missing, unreadable or not an image Pillow recognises."""


def read_image_size(path: str) -> tuple[int, int, int]:
    """``(width, height, depth)`` read from the header only (``Image.open`` is lazy)."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            depth = _MODE_DEPTH.get(image.mode, len(image.getbands()))
    except FileNotFoundError as error:
        raise ImageHeaderError("image file not found") from error
    except UnidentifiedImageError as error:
        raise ImageHeaderError("not an image Pillow can read") from error
    except OSError as error:
        raise ImageHeaderError(f"cannot read image header: {error}") from error
    return width, height, depth
