"""Cheap checks of JPEG and PNG files at load time: start, end and header size.

A truncated JPEG (an interrupted copy or download) decodes until its data runs out, so
it used to be found only when shown or trained on. A complete JPEG starts with the SOI
marker and ends with the EOI marker (``FF D9``); a complete PNG ends with its ``IEND``
chunk. Reading the first and last few KiB of each file finds the truncated ones, the
ones whose content is not what their name says, and, from the JPEG frame header or the
PNG ``IHDR`` chunk, their real size, which is compared with the annotation's ``<size>``.
About 30 microseconds per file with a warm cache; run in the loader's worker processes.

Sizes are the stored pixel sizes, EXIF orientation not applied: VOC boxes are stored
pixel coordinates (as PASCAL's own tools write them), and so are vocgui's.
"""

from __future__ import annotations

import os
import struct

from vocgui.core.voc.file_safety import open_regular_fd

_HEAD_BYTES = 4096
#: Bytes after the end marker that are tolerated: some cameras and editors pad files.
_TAIL_BYTES = 1024
_JPEG_SOI = b"\xff\xd8\xff"
_JPEG_EOI = b"\xff\xd9"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_SUFFIXES = (".jpg", ".jpeg", ".jpe")
# Start-of-frame markers (SOF0-SOF15 except DHT, JPG and DAC) hold height and width.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_MAX_SEGMENTS = 64

#: (index into the checked paths, problem kind, message)
ImageFinding = tuple[int, str, str]


def check_images(items: list[tuple[str, int, int]]) -> list[ImageFinding]:
    """Check each ``(path, width, height)``; sizes of 0 are unknown and not compared.

    Missing and unreadable files are skipped (the loader reports them elsewhere).
    """
    findings: list[ImageFinding] = []
    for index, (path, width, height) in enumerate(items):
        suffix = os.path.splitext(path)[1].lower()
        if suffix not in _JPEG_SUFFIXES and suffix != ".png":
            continue
        try:
            found = _check_file(path, suffix, width, height)
        except OSError:
            continue
        if found is not None:
            findings.append((index, *found))
    return findings


def _check_file(path: str, suffix: str, width: int, height: int) -> tuple[str, str] | None:
    is_jpeg = suffix != ".png"
    name, start, end = ("JPEG", _JPEG_SOI, _JPEG_EOI) if is_jpeg else \
        ("PNG", _PNG_SIGNATURE, _PNG_END)
    other_name, other_start = ("PNG", _PNG_SIGNATURE) if is_jpeg else ("JPEG", _JPEG_SOI)
    fd = open_regular_fd(path)
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, _HEAD_BYTES, 0)
        if not head:
            return "bad_image", "is empty (0 bytes)"
        if head.startswith(other_start):
            return "format_mismatch", (f"is a {other_name} file named '{suffix}' (strict "
                                       "decoders reject it)")
        if not head.startswith(start):
            return "bad_image", f"does not start like a {name} file: corrupt or another format"
        if end not in os.pread(fd, _TAIL_BYTES, max(0, size - _TAIL_BYTES)):
            return "truncated_image", (f"is truncated: the file ends before its {name} end "
                                       "marker (an interrupted copy or download?); it "
                                       "cannot be shown whole or trained on")
        real = _jpeg_size(fd, head) if is_jpeg else _png_size(head)
    finally:
        os.close(fd)
    if real is not None and width > 0 and height > 0 and real != (width, height):
        return "size_mismatch", (f"its annotation's <size> says {width}x{height} but the "
                                 f"image is {real[0]}x{real[1]} pixels; boxes may not fit it")
    return None


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


#: Channels per PNG colour type (palette images count as RGB, as Pillow's 'P' does).
_PNG_DEPTH = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}


def header_size(path: str) -> tuple[int, int, int] | None:
    """(width, height, channels) of a JPEG or PNG from its first few KiB, without Pillow
    (a tenth of the cost of ``Image.open``); None for other formats or odd headers, which
    Pillow then reads. Raises OSError for a file that cannot be opened or is not regular."""
    fd = open_regular_fd(path)
    try:
        head = os.pread(fd, _HEAD_BYTES, 0)
        if head.startswith(_JPEG_SOI):
            return _jpeg_size(fd, head, with_channels=True)
        if head.startswith(_PNG_SIGNATURE) and len(head) >= 26 and head[25] in _PNG_DEPTH:
            size = _png_size(head)
            return None if size is None else (*size, _PNG_DEPTH[head[25]])
        return None
    finally:
        os.close(fd)


def _jpeg_size(fd: int, head: bytes, with_channels: bool = False):
    """(width, height) from the first start-of-frame segment, reading segment headers;
    (width, height, channels) ``with_channels``."""
    offset = 2
    data = head
    for _ in range(_MAX_SEGMENTS):
        if offset + 9 > len(data):
            # The segment lies past what was read (a large EXIF block): read from there.
            data = data[:offset] + os.pread(fd, _HEAD_BYTES, offset)
            if offset + 9 > len(data):
                return None
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5:offset + 9])
            if not with_channels:
                return width, height
            return (width, height, data[offset + 9]) if offset + 9 < len(data) else None
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame
            return None
        offset += 2 + struct.unpack(">H", data[offset + 2:offset + 4])[0]
    return None
