"""Parse one VOC annotation XML into an image record, its objects and its problems.

Only what vocgui uses is read, and element order does not matter. Real VOC files differ:
``<filename>`` may come before or after ``<folder>``, ``<bndbox>`` children appear in any
order, ``<truncated>``/``<occluded>``/``<difficult>`` may be absent (read as False), and
objects may carry ``<part>``, ``<actions>`` and ``<point>``, which are ignored (so part
names such as "head" or "hand" never become labels). The root tag is compared
case-insensitively with ``annotation`` because ``<Annotation>`` exists in the wild.

A file never raises: whatever is wrong becomes a ``(kind, message)`` problem, and
``ParsedAnnotation.ok`` says whether the file still yields an image row. Missing
``<filename>`` and missing ``<size>`` are left for the loader to resolve (it knows the
image folder), so they are reported there, not here.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from math import isfinite
from typing import NamedTuple

from lxml import etree

from vocgui.core.voc.class_names import normalise_class_name
from vocgui.core.voc.file_safety import FileTooLargeError, NotRegularFileError, read_regular
from vocgui.core.voc.xml_safety import declares_doctype, forbidden_reason, hardened_parser

# libxml2 error codes that mean "the bytes do not match the declared/assumed encoding".
_ENCODING_ERRORS = frozenset({
    etree.ErrorTypes.ERR_UNKNOWN_ENCODING,
    etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING,
    etree.ErrorTypes.ERR_INVALID_ENCODING,
    etree.ErrorTypes.ERR_ENCODING_NAME,
})
_BOX_TAGS = ("xmin", "ymin", "xmax", "ymax")
#: Largest width or height believed from a <size>: JPEG's own limit is 65,535, and
#: anything bigger is a typo or an attack (1e20 once overflowed the table).
MAX_IMAGE_SIDE = 100_000
#: Largest channel count believed from a <size>.
MAX_DEPTH = 64
#: Longest <name>, <pose> or <filename> text kept: real class names are a few words, and
#: a huge one would be copied into every table, chart and report.
MAX_TEXT_LENGTH = 256


class _FlagTexts(dict):
    """Text of a 0/1 element -> bool. VOC writes exactly "0" or "1", found by a plain dict
    lookup; anything else (None, " 1 ", "true") is normalised by ``__missing__``."""

    def __missing__(self, text: str | None) -> bool:
        return text is not None and text.strip().lower() in ("1", "true", "yes")


_FLAGS = _FlagTexts({"0": False, "1": True})
# Leading bytes that may precede the first "<" of an XML document: byte-order marks,
# whitespace, and the zero bytes of UTF-16/32 text.
_PROLOG_NOISE = b"\xef\xbb\xbf\xfe\xff \t\r\n\x00"


#: One object: (name, xmin, ymin, xmax, ymax, difficult, truncated, occluded, pose), the
#: order of the loader's object columns. Plain tuples, not named ones: tens of thousands
#: are built per load, and building them is part of the per-object cost.
ObjectTuple = tuple[str, float, float, float, float, bool, bool, bool, str]
_NO_BOX = (math.nan, math.nan, math.nan, math.nan)


class ParsedAnnotation(NamedTuple):
    """What one annotation file says. ``ok`` is False when it yields no image row."""

    ok: bool
    filename: str | None
    width: int
    height: int
    depth: int
    segmented: bool
    objects: list[ObjectTuple]
    problems: list[tuple[str, str]]


_thread_state = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads, so each thread gets its own.
    parser = getattr(_thread_state, "parser", None)
    if parser is None:
        parser = _thread_state.parser = hardened_parser()
    return parser


def _refused(kind: str, message: str) -> ParsedAnnotation:
    return ParsedAnnotation(False, None, 0, 0, 0, False, [], [(kind, message)])


def parse_annotation_file(path: str,
                          parse: Callable[[bytes], ParsedAnnotation] | None = None
                          ) -> ParsedAnnotation:
    """Read and parse one annotation file (with ``parse``, default
    :func:`parse_annotation`); unreadable, special and oversized files become a problem."""
    try:
        data = read_regular(path)
    except NotRegularFileError as error:
        return _refused("special_file", f"{error}; skipped (only regular files are read)")
    except FileTooLargeError as error:
        return _refused("too_large", f"{error} for an annotation file; skipped")
    except OSError as error:
        return _refused("unreadable", f"cannot be read: {error.strerror or error}")
    return (parse or parse_annotation)(data)


def parse_annotation(data: bytes) -> ParsedAnnotation:
    """Parse the bytes of one annotation file (encoding taken from its XML prolog)."""
    if not data[:64].lstrip(_PROLOG_NOISE).startswith((b"<", b"\x00<")):
        return _refused("not_xml", "is not an XML file (it does not start with '<')")
    reason = forbidden_reason(data)
    if reason is not None:
        return _refused("forbidden_xml", reason)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        kind = "encoding" if error.code in _ENCODING_ERRORS else "malformed_xml"
        return _refused(kind, f"cannot be parsed: {error.msg}")
    # The byte scan above sees any DOCTYPE in ASCII-compatible encodings (documents that
    # start with "<" and a non-zero byte); only others (UTF-16, UTF-32) need this check.
    if (data[:1] != b"<" or data[1:2] == b"\x00") and declares_doctype(root):
        return _refused("forbidden_xml", "declares a DOCTYPE (refused: DTDs and entities "
                                         "can expand into huge documents or read other files)")
    if not isinstance(root.tag, str) or root.tag.lower() != "annotation":
        return _refused("not_annotation",
                        f"root element is <{root.tag}>, not <annotation>")
    return _parse_root(root)


def _parse_root(root: etree._Element) -> ParsedAnnotation:
    filename = width = height = depth = segmented = None
    objects: list[ObjectTuple] = []
    problems: list[tuple[str, str]] = []
    n_object_elements = 0
    # Plain iteration with string compares is the cheapest walk lxml offers (cheaper than
    # iterchildren(tag=...)); this and _parse_object run for every element of every file.
    # A repeated element overrides the earlier one.
    for child in root:
        tag = child.tag
        if tag == "object":
            n_object_elements += 1
            record = _parse_object(child, n_object_elements, problems)
            if record is not None:
                objects.append(record)
        elif tag == "filename":
            filename = child.text
        elif tag == "size":
            for item in child:
                if item.tag == "width":
                    width = item.text
                elif item.tag == "height":
                    height = item.text
                elif item.tag == "depth":
                    depth = item.text
        elif tag == "segmented":
            segmented = child.text
    return annotation_record(filename, width, height, depth, segmented, objects, problems)


def _parse_object(element: etree._Element, number: int,
                  problems: list[tuple[str, str]]) -> ObjectTuple | None:
    name = pose = difficult = truncated = occluded = None
    xmin = ymin = xmax = ymax = None
    has_box = False
    # One flat pass of string compares into locals: this runs for every object of every
    # file, and it is measurably cheaper than dicts or helper calls per child.
    # <part>, <actions>, <point> and unknown children fall through: ignored on purpose.
    for child in element:
        tag = child.tag
        if tag == "name":
            name = child.text
        elif tag == "bndbox":
            has_box = True
            for item in child:
                coordinate = item.tag
                if coordinate == "xmin":
                    xmin = item.text
                elif coordinate == "ymin":
                    ymin = item.text
                elif coordinate == "xmax":
                    xmax = item.text
                elif coordinate == "ymax":
                    ymax = item.text
        elif tag == "difficult":
            difficult = child.text
        elif tag == "truncated":
            truncated = child.text
        elif tag == "occluded":
            occluded = child.text
        elif tag == "pose":
            pose = child.text
    return object_record(number, name, xmin, ymin, xmax, ymax, has_box, difficult, truncated,
                         occluded, pose, problems)


def annotation_record(filename: str | None, width: str | None, height: str | None,
                      depth: str | None, segmented: str | None, objects: list[ObjectTuple],
                      problems: list[tuple[str, str]]) -> ParsedAnnotation:
    """The result for a file from the texts of its elements (None: element absent/empty).

    Sizes that are not whole numbers from 1 to their bound (:data:`MAX_IMAGE_SIDE`,
    :data:`MAX_DEPTH`) become ``bad_size`` problems and read as 0 (unknown), so the
    loader takes them from the image header as it does for a missing ``<size>``.
    """
    return ParsedAnnotation(True, _file_name(filename, problems),
                            _size(width, "width", MAX_IMAGE_SIDE, problems),
                            _size(height, "height", MAX_IMAGE_SIDE, problems),
                            _size(depth, "depth", MAX_DEPTH, problems),
                            _FLAGS[segmented], objects, problems)


def object_record(number: int, name: str | None, xmin: str | None, ymin: str | None,
                  xmax: str | None, ymax: str | None, has_box: bool, difficult: str | None,
                  truncated: str | None, occluded: str | None, pose: str | None,
                  problems: list[tuple[str, str]]) -> ObjectTuple | None:
    """Object ``number`` of a file from the texts of its elements (None: absent or empty);
    None when it has no name. What is wrong with it is appended to ``problems``."""
    name = (name or "").strip()
    if not name.isprintable():  # C-fast; rare names need the rule (see class_names)
        given, name = name, normalise_class_name(name)
        if name and name != given:
            problems.append(("class_name", f"object {number}'s <name> {given[:80]!r} has "
                                           "control characters or odd whitespace; loaded "
                                           f"as {name[:80]!r}"))
    if not name:
        problems.append(("bad_object", f"object {number} has no <name>; left out"))
        return None
    if len(name) > MAX_TEXT_LENGTH:
        problems.append(("long_text", f"object {number} has a <name> of {len(name):,} "
                                      f"characters (at most {MAX_TEXT_LENGTH}); left out"))
        return None
    pose = (pose or "").strip()
    if len(pose) > MAX_TEXT_LENGTH:
        problems.append(("long_text", f"object {number} ({name}) has a <pose> of "
                                      f"{len(pose):,} characters (at most "
                                      f"{MAX_TEXT_LENGTH}); pose left out"))
        pose = ""
    try:
        box = (float(xmin), float(ymin), float(xmax), float(ymax))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        box = _NO_BOX
    # True only for finite, non-inverted boxes: NaN and infinities fail the comparisons.
    if not (0 <= box[2] - box[0] < math.inf and 0 <= box[3] - box[1] < math.inf):
        problems.append(("bad_object", f"object {number} ({name}) "
                                       f"{_box_error(has_box, (xmin, ymin, xmax, ymax))}; "
                                       "its label is kept, its box is unknown"))
        box = _NO_BOX
    return (name, box[0], box[1], box[2], box[3], _FLAGS[difficult], _FLAGS[truncated],
            _FLAGS[occluded], pose)


def _box_error(has_box: bool, texts: tuple[str | None, ...]) -> str:
    """What is wrong with a box that did not parse into a finite, non-inverted one."""
    if not has_box:
        return "has no <bndbox>"
    for tag, text in zip(_BOX_TAGS, texts, strict=True):
        if text is None:
            return f"has a <bndbox> without <{tag}>"
    try:
        xmin, ymin, xmax, ymax = (float(text) for text in texts)  # type: ignore[arg-type]
    except ValueError:
        return "has a <bndbox> with a non-numeric coordinate"
    if not all(isfinite(value) for value in (xmin, ymin, xmax, ymax)):
        return "has a <bndbox> with a non-finite coordinate"
    return f"has an inverted <bndbox> ({xmin:g},{ymin:g})-({xmax:g},{ymax:g})"


def _file_name(text: str | None, problems: list[tuple[str, str]]) -> str | None:
    name = (text or "").strip()
    if len(name) > MAX_TEXT_LENGTH:
        problems.append(("long_text", f"<filename> is {len(name):,} characters long (at "
                                      f"most {MAX_TEXT_LENGTH}); ignored"))
        return None
    # Some tools write a path; only the last component names the image.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return name or None


def _size(text: str | None, tag: str, bound: int, problems: list[tuple[str, str]]) -> int:
    """``text`` as a whole number from 1 to ``bound``; 0 when absent, zero or invalid
    (invalid values are reported as ``bad_size``)."""
    if not text:
        return 0
    try:
        value: float = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
    if value == 0:
        return 0
    if not 1 <= value <= bound:  # NaN fails too
        shown = text.strip()
        shown = shown if len(shown) <= 40 else f"{shown[:40]}..."
        problems.append(("bad_size", f"<{tag}> is '{shown}', not a whole number from 1 to "
                                     f"{bound:,}; the size is taken as unknown"))
        return 0
    return int(value)
