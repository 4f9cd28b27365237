"""Image width, height and channel count from the file header, without decoding pixels."""

from __future__ import annotations

from PIL import Image, UnidentifiedImageError

from vocgui.core.voc.file_safety import NotRegularFileError, open_regular
from vocgui.core.voc.image_check import header_size

#: Channels per Pillow mode; modes not listed count their bands.
_MODE_DEPTH = {"1": 1, "L": 1, "P": 3, "RGB": 3, "RGBA": 4, "CMYK": 4, "YCbCr": 3,
               "LA": 2, "I": 1, "F": 1, "I;16": 1}


class ImageHeaderError(Exception):
    """The file is missing, unreadable, not an image Pillow recognises, or too large.

    ``kind`` is the problem kind to report: ``bad_image``, ``special_file`` (a FIFO or
    device) or ``oversized_image`` (more pixels than can be decoded safely).
    """

    def __init__(self, message: str, kind: str = "bad_image") -> None:
        super().__init__(message)
        self.kind = kind


def read_image_size(path: str) -> tuple[int, int, int]:
    """``(width, height, depth)`` read from the header only (``Image.open`` is lazy)."""
    try:
        with open_regular(path) as file, Image.open(file) as image:
            width, height = image.size
            depth = _MODE_DEPTH.get(image.mode, len(image.getbands()))
    except FileNotFoundError as error:
        raise ImageHeaderError("image file not found") from error
    except NotRegularFileError as error:
        raise ImageHeaderError(f"{error}; not read", "special_file") from error
    except Image.DecompressionBombError as error:
        raise ImageHeaderError(oversized_message(error), "oversized_image") from error
    except UnidentifiedImageError as error:
        raise ImageHeaderError("not an image Pillow can read") from error
    except OSError as error:
        raise ImageHeaderError(f"cannot read image header: {error}") from error
    return width, height, depth


def oversized_message(error: Image.DecompressionBombError) -> str:
    """What to tell the user about an image Pillow refuses as a decompression bomb."""
    return (f"is too large to decode safely ({error}); its pixels are never decoded, "
            "so it cannot be shown or trained on")


def read_sizes_chunk(paths: list[str]) -> list[tuple[int, int, int] | tuple[str, str]]:
    """:func:`read_image_size` of each path, or ``(problem kind, message)`` when it
    fails (one worker's chunk). JPEG and PNG headers are read directly
    (:func:`image_check.header_size`, the same figures as Pillow's), Pillow the rest."""
    sizes: list[tuple[int, int, int] | tuple[str, str]] = []
    for path in paths:
        try:
            fast = header_size(path)
        except OSError:
            fast = None  # Pillow's reading names the problem
        if fast is not None and fast[0] > 0 and fast[1] > 0 and fast[2] in (1, 2, 3, 4):
            sizes.append(fast)
            continue
        try:
            sizes.append(read_image_size(path))
        except ImageHeaderError as error:
            sizes.append((error.kind, str(error)))
    return sizes
