"""Counted nouns for messages: "1 image", "2 images", "1 class", "3 classes"."""

from __future__ import annotations

_IRREGULAR = {"class": "classes", "box": "boxes", "match": "matches"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1 (thousands separated).

    ``many`` overrides the plural form; the common ones ("classes") are known.
    """
    if n == 1:
        return f"1 {word}"
    return f"{n:,} {many or _IRREGULAR.get(word, word + 's')}"
