"""Read plain annotation files with regular expressions instead of an lxml tree.

Almost every real annotation file is plain: ASCII, no attributes, no comments, entities,
CDATA or declarations other than ``<?xml version="1.0" encoding="utf-8"?>``, elements
nested a few levels deep. For such a file, building an lxml tree and walking it element
by element costs more than the data warrants (about 1.5 times as much as this module), so
:func:`parse_plain_annotation` cuts the objects out of the text with one ``re.split``
(which also yields their fields) and checks the rest of the file against a strict grammar
with one ``fullmatch``. A file the grammar does not describe exactly yields None and goes
through lxml (:func:`annotation_parser.parse_annotation`); both paths turn texts into
results with the same functions (``annotation_record``, ``object_record``).

What the grammar accepts is well-formed XML whose lxml reading is known exactly:

- text is printable ASCII, tab or newline, without ``<`` or ``&`` (so no entity or
  character reference) and without ``]]>``; a carriage return may only appear between
  elements (the parser would turn one inside text into a newline);
- tags are ``<name>``, ``</name>`` or ``<name/>`` with no attributes, start and end tags
  match (back-references), and the root is ``<annotation>``;
- the elements vocgui reads (``filename``, ``size/width|height|depth``, ``segmented``,
  ``object/name|pose|difficult|truncated|occluded``, ``object/bndbox/xmin|ymin|xmax|ymax``)
  hold text only; any other element holds text or elements, a few levels deep, and is
  skipped, as the lxml walk skips it; ``<object>`` never appears inside another element,
  so every ``<object>`` that ``re.split`` cuts out is a child of the root.

A repeated element overrides the earlier one in both readers (a repeated group of a
regular expression keeps its last capture). An empty element's text is ``""`` here and
None in lxml; the record functions treat both alike, except box coordinates, which are
turned to None here.
"""

from __future__ import annotations

import re
from itertools import count

from vocgui.core.voc.annotation_parser import (
    ObjectTuple,
    ParsedAnnotation,
    annotation_record,
    object_record,
    parse_annotation,
)

_SPACE = r"[ \t\r\n]*+"
_TEXT = r"[\t\n\x20-\x25\x27-\x3b\x3d-\x7e]*+"
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_UNKNOWN_DEPTH = 3  # <part><bndbox><xmin> is the deepest nesting in real files
_group_numbers = count()


def _leaf(tag: str, capture: str | None) -> str:
    text = _TEXT if capture is None else f"(?P<{capture}>{_TEXT})"
    return f"<{tag}>{text}</{tag}>"


def _unknown(known: tuple[str, ...], depth: int = _UNKNOWN_DEPTH) -> str:
    """Any element not named ``object`` or one of ``known``, ``depth`` levels deep at most."""
    group = f"t{next(_group_numbers)}"
    excluded = "|".join(("object", *known))
    content = _TEXT
    if depth > 1:
        content = f"(?:{_TEXT}|(?:{_SPACE}{_unknown((), depth - 1)})+{_SPACE})"
    return f"<(?!(?:{excluded})[/>])(?P<{group}>{_NAME})(?:/>|>{content}</(?P={group})>)"


def _children(*alternatives: str) -> str:
    return f"(?:{_SPACE}(?:{'|'.join(alternatives)}))*{_SPACE}"


def _object() -> str:
    box = ("(?P<bndbox><bndbox>)"
           + _children(*(_leaf(tag, tag) for tag in ("xmin", "ymin", "xmax", "ymax")),
                       _unknown(("xmin", "ymin", "xmax", "ymax"), 2))
           + "</bndbox>")
    return ("<object>"
            + _children(*(_leaf(tag, tag) for tag in ("name", "difficult", "truncated",
                                                       "occluded", "pose")), box,
                        _unknown(("name", "bndbox", "difficult", "truncated", "occluded",
                                  "pose")))
            + "</object>")


_OBJECT = re.compile(_object())
# Objects are cut out of the text (re.split, which also yields their groups) and each is
# replaced by this placeholder, which _FILE accepts only as a child of the root; a file
# that already contains the placeholder is not plain.
_PLACEHOLDER = "<object/>"
_DECLARATION = (r"""(?:<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(['"])1\.0\1"""
                r"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(['"])(?i:utf-8)\2)?"""
                r"""[ \t\r\n]*\?>)?""")
_SIZE = "<size>" + _children(_leaf("width", "width"), _leaf("height", "height"),
                             _leaf("depth", "depth"),
                             _unknown(("width", "height", "depth"), 2)) + "</size>"
_FILE = re.compile(
    _DECLARATION + _SPACE + "<annotation>"
    + _children(_leaf("filename", "filename"), _SIZE, _leaf("segmented", "segmented"),
                _PLACEHOLDER, _unknown(("filename", "size", "segmented")))
    + "</annotation>" + _SPACE)
# re.split returns, per object, the text before it and then all its groups (None for a
# group that did not match). _object() places the groups read first: name, difficult,
# truncated, occluded, pose, bndbox, xmin, ymin, xmax, ymax (then _unknown's).
_STRIDE = _OBJECT.groups + 1


def parse_annotation_fast(data: bytes) -> ParsedAnnotation:
    """Same result as :func:`annotation_parser.parse_annotation`, faster for plain files."""
    parsed = parse_plain_annotation(data)
    return parse_annotation(data) if parsed is None else parsed


def parse_plain_annotation(data: bytes) -> ParsedAnnotation | None:
    """What a plain annotation file says, or None when it is not plain (see module doc)."""
    if not data.isascii():
        return None
    text = data.decode("ascii")
    if "]]>" in text or _PLACEHOLDER in text:
        return None
    pieces = _OBJECT.split(text)
    match = _FILE.fullmatch(_PLACEHOLDER.join(pieces[::_STRIDE]))
    if match is None:
        return None
    objects: list[ObjectTuple] = []
    problems: list[tuple[str, str]] = []
    for number, start in enumerate(range(0, len(pieces) - 1, _STRIDE), 1):
        (name, difficult, truncated, occluded, pose, box, xmin, ymin, xmax,
         ymax) = pieces[start + 1:start + 11]
        # An empty or absent coordinate element reads as None in lxml (see module doc).
        record = object_record(number, name, xmin or None, ymin or None, xmax or None,
                               ymax or None, box is not None, difficult, truncated, occluded,
                               pose, problems)
        if record is not None:
            objects.append(record)
    return annotation_record(*match.group("filename", "width", "height", "depth",
                                          "segmented"), objects, problems)
