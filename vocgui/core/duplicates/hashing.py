"""Content and perceptual hashes of image files, read once each.

The content hash (BLAKE2b, 128 bits, of the file's bytes) finds exact copies. The
perceptual hash is pHash as imagehash defines it (64 bits: is each of the lowest 8x8 DCT
coefficients of a 32x32 greyscale thumbnail above their median), which changes little
when an image is resized, recompressed, cropped a little or turned grey, so near-copies
lie within a few bits of each other; the tests check it bit for bit against
``imagehash.phash``. pHash only ever looks at 32x32 luminance pixels, so a JPEG is decoded
by libjpeg-turbo at reduced scale: the decoder produces the luma plane at 1/8 scale (63x47
for a 500x375 VOC image) instead of full colour at full size, and the two hashes (whole
image and centre) come from one small matrix product instead of two full DCTs
(``benchmarks/bench_phash.py``). The DCTs of a chunk of files are one batched product.

A grey or YCbCr JPEG is decoded by simplejpeg, which gives the same pixels as Pillow's
draft mode (both are libjpeg-turbo's scaled IDCT; a test compares them on real VOC
images) with less per-file overhead; other files, CMYK JPEGs among them (their grey
conversion is Pillow's), go through Pillow.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import simplejpeg
from PIL import Image, UnidentifiedImageError

#: Side of the square thumbnail pHash reads (hash_size 8 x highfreq_factor 4).
PHASH_INPUT_SIDE = 32
#: Each side of the centre hash's box is this far in: a copy cropped by about this much
#: on every side has a whole-image hash close to the original's centre hash.
INSET = 0.04
#: Coefficients kept per axis (8 x 8 = 64 bits).
HASH_SIDE = 8
#: Rows 0..7 of the (unnormalised) DCT-II matrix of size 32: ``D @ x @ D.T`` gives the
#: same lowest coefficients as ``scipy.fft.dct(dct(x, axis=0), axis=1)[:8, :8]``.
_DCT = 2 * np.cos(np.pi * np.arange(HASH_SIDE)[:, None]
                  * (2 * np.arange(PHASH_INPUT_SIDE)[None, :] + 1) / (2 * PHASH_INPUT_SIDE))
#: Images hashed per task: large enough that thread hand-offs cost nothing.
_CHUNK = 64


@dataclass(frozen=True)
class FileHash:
    """The hashes of one file: ``content`` as 32 hex digits ("" when the file cannot be
    read), the pHashes of the whole image and of its centre (None, with ``error`` saying
    why, when it cannot be decoded)."""

    content: str
    phash: int | None
    phash_inset: int | None
    error: str = ""


def thumbnail(image: Image.Image, inset: float = 0.0) -> np.ndarray:
    """The 32x32 greyscale thumbnail pHash reads (float64), of the whole image or of its
    centre ``inset`` in from every side."""
    gray = image if image.mode == "L" else image.convert("L")  # no copy of a luma plane
    w, h = gray.size
    box = (w * inset, h * inset, w * (1 - inset), h * (1 - inset))
    return np.asarray(gray.resize((PHASH_INPUT_SIDE, PHASH_INPUT_SIDE),
                                  Image.Resampling.LANCZOS, box=box), dtype=np.float64)


def phash_of_thumbnails(thumbnails: np.ndarray) -> list[int]:
    """pHash of each (32, 32) thumbnail in a (k, 32, 32) stack, as unsigned 64-bit
    integers (first coefficient = highest bit)."""
    coefficients = (_DCT @ thumbnails @ _DCT.T).reshape(len(thumbnails), -1)
    bits = coefficients > np.median(coefficients, axis=1, keepdims=True)
    return [int(v) for v in np.packbits(bits, axis=1).view(">u8").ravel()]


#: JPEG colour spaces whose luma simplejpeg returns exactly as Pillow's draft mode does.
_LUMA_SPACES = frozenset({"Gray", "YCbCr"})


def _luma_plane(data: bytes) -> Image.Image | None:
    """The luma plane of a grey or YCbCr JPEG at the smallest scale still >= 32x32, or
    None for anything else (it then goes through Pillow)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    try:
        if simplejpeg.decode_jpeg_header(data)[2] not in _LUMA_SPACES:
            return None
        pixels = simplejpeg.decode_jpeg(data, colorspace="GRAY",
                                        min_height=PHASH_INPUT_SIDE,
                                        min_width=PHASH_INPUT_SIDE)
    except ValueError:  # not a JPEG libjpeg-turbo reads: Pillow says why, in its words
        return None
    return Image.fromarray(pixels[..., 0])


def _read_and_shrink(path: str | os.PathLike) -> tuple[str, np.ndarray | None, str]:
    """(content hash, the (2, 32, 32) thumbnails of the whole image and its centre, or
    None with why not). Never raises for a bad file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return "", None, f"cannot read the file: {exc.strerror or exc}"
    content = hashlib.blake2b(data, digest_size=16).hexdigest()
    luma = _luma_plane(data)
    if luma is not None:
        return content, np.stack([thumbnail(luma), thumbnail(luma, INSET)]), ""
    try:
        with Image.open(io.BytesIO(data)) as image:
            # JPEG only: decode the luma plane at the smallest scale still >= 32x32.
            image.draft("L", (PHASH_INPUT_SIDE, PHASH_INPUT_SIDE))
            return content, np.stack([thumbnail(image), thumbnail(image, INSET)]), ""
    except UnidentifiedImageError:  # its message names a BytesIO object, not the file
        return content, None, "cannot decode the image: not an image format Pillow reads"
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return content, None, f"cannot decode the image: {exc}"


def hash_chunk(paths: Sequence[str | os.PathLike]) -> list[FileHash]:
    """:func:`hash_file` of each path, with the DCTs of all their thumbnails in one
    batched product (per-image numpy calls cost more than the arithmetic)."""
    shrunk = [_read_and_shrink(p) for p in paths]
    decoded = [thumbs for _, thumbs, _ in shrunk if thumbs is not None]
    hashes = iter(phash_of_thumbnails(np.concatenate(decoded)) if decoded else [])
    results = []
    for content, thumbs, error in shrunk:
        if thumbs is None:
            results.append(FileHash(content, None, None, error))
        else:
            results.append(FileHash(content, next(hashes), next(hashes)))
    return results


def hash_file(path: str | os.PathLike) -> FileHash:
    """Content hash and pHash of one image file; never raises for a bad file."""
    return hash_chunk([path])[0]


def hash_files(paths: Sequence[str], workers: int = 2,
               progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> list[FileHash] | None:
    """:func:`hash_file` of every path, in order, on ``workers`` threads (Pillow decodes
    without the GIL). ``progress(done, total)`` is called on the calling thread after each
    chunk; when ``cancel()`` turns True the rest is skipped and None is returned."""
    chunks = [paths[i:i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    results: list[FileHash] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(hash_chunk, chunk) for chunk in chunks]
        for future in futures:
            if cancel is not None and cancel():
                for pending in futures:
                    pending.cancel()
                return None
            results.extend(future.result())
            if progress is not None:
                progress(len(results), len(paths))
    return results
