"""The one rule for valid class names, applied when loading and in every edit.

A valid name is a non-empty string without control characters, without whitespace other
than plain spaces, and without leading or trailing spaces. XML, CSV and users can supply
anything (a tab or newline inside ``<name>``); :func:`normalise_class_name` turns such
text into the valid name a user would read it as, each control or whitespace character
becoming one space, and the loader reports every name it changed. Because every name in
a project then follows the rule, every class edit that succeeds can also be undone.
"""

from __future__ import annotations

import re

# Control characters (C0, DEL, C1) and every whitespace character except the space.
_NOT_ALLOWED = re.compile(r"[\x00-\x1f\x7f-\x9f]|(?! )\s")


def normalise_class_name(text: str) -> str:
    """``text`` as a valid class name: each control or non-space whitespace character
    becomes a space, then the ends are stripped ('' when nothing is left)."""
    return _NOT_ALLOWED.sub(" ", text).strip(" ")


def class_name_problem(name: object) -> str | None:
    """Why ``name`` is not a valid class name, or None when it is."""
    if not isinstance(name, str) or not name.strip():
        return f"a class name must be a non-empty string, not {name!r}"
    if normalise_class_name(name) != name:
        return (f"class name {name!r} has leading/trailing spaces, control characters or "
                f"whitespace other than spaces; use {normalise_class_name(name)!r}")
    return None
