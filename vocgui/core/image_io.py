"""Open one image file for display: stored pixels, converted to RGB, problems named.

``load_image`` never raises on a bad file. It returns the pixels it could decode (or None)
and a list of :class:`~vocgui.core.voc.dataset.Problem` saying what is odd about the file:
missing, not an image, truncated, a PNG named ``.jpg``, grayscale/CMYK/palette/alpha
converted to RGB, or carrying an EXIF orientation. A training pipeline that decodes
strictly (``tf.image.decode_jpeg`` with 3 channels) trips over exactly these, so the
viewer shows them next to the image.

One convention for EXIF orientation everywhere: VOC's. Boxes are stored pixel
coordinates (PASCAL's own tools ignore EXIF), the training pipelines decode stored
pixels, and so the viewer, the thumbnails and the boxes show the stored pixels too; an
image with a rotation says so (``exif_orientation``) instead of being turned.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from vocgui.core.voc.dataset import Problem

#: Problem kinds reported by :func:`load_image` (stable strings).
IMAGE_PROBLEM_KINDS = (
    "missing_image",      # no file at the path
    "unreadable",         # the file exists but cannot be read (permissions, I/O error)
    "bad_image",          # not an image Pillow can decode, or corrupt
    "truncated_image",    # the file ends before the image data does
    "format_mismatch",    # the content's format differs from the extension (PNG in .jpg)
    "color_mode",         # grayscale, CMYK, palette or alpha converted to RGB for display
    "exif_orientation",   # the EXIF orientation rotates/flips the stored pixels
)

#: The format Pillow should find in a file with this extension.
_FORMAT_OF_SUFFIX = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".bmp": "BMP",
    ".gif": "GIF", ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP",
}
_MODE_NAMES = {
    "1": "black-and-white (1 bit)", "L": "grayscale", "LA": "grayscale with alpha",
    "I": "32-bit grayscale", "I;16": "16-bit grayscale", "F": "floating-point grayscale",
    "P": "palette", "PA": "palette with alpha", "RGBA": "RGB with alpha", "CMYK": "CMYK",
    "YCbCr": "YCbCr", "LAB": "Lab", "HSV": "HSV",
}
#: Images with more pixels than this (a 6,300 px square) decode one at a time.
HUGE_PIXELS = 40_000_000
_huge_decodes = threading.BoundedSemaphore(1)
_EXIF_ORIENTATION_TAG = 0x0112
_ORIENTATION_WORDS = {
    2: "mirrored", 3: "turned 180 degrees", 4: "mirrored and turned 180 degrees",
    5: "mirrored and turned 90 degrees counter-clockwise", 6: "turned 90 degrees clockwise",
    7: "mirrored and turned 90 degrees clockwise", 8: "turned 90 degrees counter-clockwise",
}


@dataclass
class LoadedImage:
    """What :func:`load_image` found.

    ``pixels`` is an (height, width, 3) uint8 RGB array of the stored pixels (EXIF
    orientation not applied), possibly reduced to ``max_side``; None when nothing could
    be decoded. ``full_size`` is the stored (width, height) at full resolution, (0, 0)
    when unknown, so boxes in stored pixel coordinates can be scaled onto reduced pixels.
    """

    path: Path
    pixels: np.ndarray | None
    full_size: tuple[int, int] = (0, 0)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are pixels to show (problems may still have been found)."""
        return self.pixels is not None


def load_image(path: str | Path, max_side: int | None = None) -> LoadedImage:
    """Decode ``path`` to RGB stored pixels, naming every problem found.

    ``max_side`` bounds the longest side of the returned pixels (JPEGs are decoded at a
    reduced scale with ``Image.draft``, which is much faster than decoding and resizing).
    Never raises for a bad or missing file.
    """
    path = Path(path)
    result = LoadedImage(path=path, pixels=None)

    def problem(kind: str, message: str) -> None:
        result.problems.append(Problem(file=str(path), kind=kind,
                                       message=f"{path.name}: {message}", image=path.name))

    if not path.is_file():
        problem("missing_image", "no such image file" if not path.exists()
                else "is not a file")
        return result
    try:
        with warnings.catch_warnings():
            # A decompression-bomb warning is a size note, not a reason to stop.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                _decode(img, path, max_side, result, problem)
    except UnidentifiedImageError:
        problem("bad_image", "is not an image file Pillow can read (corrupt or another "
                "format)")
    except Image.DecompressionBombError as exc:
        problem("bad_image", f"is too large to decode safely ({exc})")
    except PermissionError as exc:
        problem("unreadable", f"cannot be read ({exc.strerror or exc})")
    except OSError as exc:
        if "truncated" in str(exc).lower():
            problem("truncated_image", "is truncated: the file ends before the image data "
                    "does (an interrupted copy or download?)")
        else:
            problem("bad_image", f"is corrupt and cannot be decoded ({exc})")
    except (SyntaxError, ValueError, EOFError) as exc:
        # Pillow's plugins raise these for malformed headers and chunks.
        problem("bad_image", f"is corrupt and cannot be decoded ({exc})")
    return result


def _decode(img: Image.Image, path: Path, max_side: int | None, result: LoadedImage,
            problem: Callable[[str, str], None]) -> None:
    """Decode an opened image into ``result`` (raises Pillow's errors for bad data)."""
    expected = _FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if expected is not None and img.format is not None and img.format != expected:
        problem("format_mismatch", f"is a {img.format} file named '{path.suffix}' (strict "
                f"{expected} decoders reject it)")
    orientation = _orientation(img)
    result.full_size = img.size
    if orientation not in (None, 1):
        problem("exif_orientation", f"carries EXIF orientation {orientation} "
                f"({_ORIENTATION_WORDS[orientation]}), which vocgui does not apply: VOC "
                "boxes are in stored pixel coordinates, so the image is shown as stored, "
                f"{img.size[0]}x{img.size[1]}, as training sees it (photo viewers show it "
                "turned)")
    if max_side and img.format == "JPEG" and max(img.size) > max_side:
        # DCT scaling: a 12000 px JPEG decodes at 1/4 the side, in 1/16 of the memory.
        img.draft(img.mode, (max_side, max_side))
    # Other formats decode whole (Pillow has no reduced PNG decode): one huge image at a
    # time, so the viewer's read-ahead threads do not each hold one.
    huge = img.size[0] * img.size[1] > HUGE_PIXELS
    with _huge_decodes if huge else contextlib.nullcontext():
        img.load()
        mode = img.mode
        if max_side and max(img.size) > max_side:
            img = _reduced(img, max_side)
    if mode != "RGB":
        problem("color_mode", f"is {_MODE_NAMES.get(mode, mode)}, converted to RGB for "
                "display")
        img = _to_rgb(img)
    result.pixels = np.ascontiguousarray(np.asarray(img, dtype=np.uint8))


def _reduced(img: Image.Image, max_side: int) -> Image.Image:
    """``img`` shrunk to ``max_side``, before any colour conversion (one full-size copy
    less). An integer ``reduce`` first (box filter, memory 1/factor^2) keeps the
    resampling's intermediate buffers small."""
    factor = max(img.size) // max_side
    if factor >= 2 and img.mode not in ("P", "1"):
        img = img.reduce(factor)
    img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return img


def _orientation(img: Image.Image) -> int | None:
    """The EXIF orientation tag, or None when absent or unreadable."""
    try:
        value = img.getexif().get(_EXIF_ORIENTATION_TAG)
    except Exception:  # malformed EXIF must not stop the image from showing
        return None
    return int(value) if isinstance(value, int) and 1 <= value <= 8 else None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any mode to RGB; alpha is composited on white, wide grays are rescaled."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) or 1.0
        return Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8)).convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")
