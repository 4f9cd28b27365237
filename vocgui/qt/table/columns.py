"""The table's columns as numpy arrays over every image of the project, and their sort orders.

The table model serves cells from these arrays (no per-row Python objects are built), the
filter computes its masks from them, and sorting uses one cached full-length order per
column, so a filter change is a mask plus one fancy-indexing pass even on 1M rows.
"""

from __future__ import annotations

import string
from enum import IntEnum
from typing import Protocol

import numpy as np
import pandas as pd

from vocgui.core.suggestions import Suggestions


class Column(IntEnum):
    """Columns of the image table, in display order."""

    FILE = 0
    LABELS = 1
    OBJECTS = 2
    SIZE = 3
    SPLIT = 4
    REVIEW = 5
    PROBLEMS = 6
    SUGGESTED = 7
    UNCERTAINTY = 8


HEADERS: dict[Column, tuple[str, str]] = {
    Column.FILE: ("File", "Image file name"),
    Column.LABELS: ("Labels", "Image-level labels (classes present in the image)"),
    Column.OBJECTS: ("Objects", "Number of annotated objects (boxes)"),
    Column.SIZE: ("Size", "Image width x height in pixels, from the annotation"),
    Column.SPLIT: ("Split", "Split from ImageSets/Main (train, val, test or none)"),
    Column.REVIEW: ("Review", "Review status: unreviewed, reviewed or flagged; 'unlabeled' "
                              "for an image nobody has labeled yet"),
    Column.PROBLEMS: ("Problems", "Number of loader problems about this image"),
    Column.SUGGESTED: ("Suggested", "The classes the current model suggests (score at or "
                                    "above its threshold)"),
    Column.UNCERTAINTY: ("Uncertainty", "How undecided the model is about its least sure "
                                        "class: 1 - |2p - 1|, 1 at p = 0.5; empty when it "
                                        "did not score the image"),
}

#: Review statuses in the order the Review column sorts them (index = review code); the
#: statuses themselves are core's REVIEW_STATUSES.
REVIEW_SORT_ORDER = ("unreviewed", "flagged", "reviewed")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def ascii_lower(text: str) -> str:
    """``text`` with A-Z lower-cased, exactly as ``ascii_lower_array`` does it."""
    return text.translate(_ASCII_LOWER)


def ascii_lower_array(names: np.ndarray) -> np.ndarray:
    """A numpy unicode array with A-Z lower-cased, as integer operations on the code
    points: several times faster than np.char.lower on 1M names (other letters keep
    their case, which file names rarely need)."""
    names = np.ascontiguousarray(names)
    codes = names.view(np.uint32).copy()
    codes[(codes >= ord("A")) & (codes <= ord("Z"))] += ord("a") - ord("A")
    return codes.view(names.dtype)


def review_codes(review: pd.Series) -> np.ndarray:
    """Review statuses as int8 codes (index into REVIEW_SORT_ORDER)."""
    return pd.Categorical(review, categories=REVIEW_SORT_ORDER).codes.astype(np.int8)


class TableSource(Protocol):
    """What the table reads from a project (``vocgui.core.project.Project`` has it)."""

    images: pd.DataFrame
    labels: np.ndarray
    classes: list[str]
    class_colors: dict[str, str]


class TableColumns:
    """Numpy copies of the project's displayed columns, refreshed after edits."""

    def __init__(self, source: TableSource) -> None:
        self.source = source
        images = source.images
        self.n_rows = len(images)
        # Display reads the Python strings pandas already holds; search and sort use one
        # lower-cased unicode array.
        self.filename = images["filename"].to_numpy()
        self.filename_lower = ascii_lower_array(images["filename"].to_numpy(dtype=str))
        self.n_objects = images["n_objects"].to_numpy(dtype=np.int64)
        self.width = images["width"].to_numpy(dtype=np.int64)
        self.height = images["height"].to_numpy(dtype=np.int64)
        self.split = images["split"].to_numpy(dtype=str)
        self.n_problems = images["n_problems"].to_numpy(dtype=np.int64)
        self._orders: dict[Column, np.ndarray] = {}
        self.suggestions: Suggestions | None = None
        self.refresh_review()
        self.refresh_labels()

    # --- refresh after edits -----------------------------------------------------------
    def refresh_review(self, rows: np.ndarray | None = None) -> None:
        """Re-read the review status of ``rows`` (None: of every row)."""
        review = self.source.images["review"]
        if rows is None:
            self.review = review_codes(review)
        else:
            self.review[rows] = review_codes(review.iloc[rows])
        self._orders.pop(Column.REVIEW, None)

    def refresh_labels(self) -> None:
        """Re-read the label matrix, the labeled states and the classes (after label or
        class edits)."""
        self.labels = self.source.labels
        self.labeled = self.source.images["labeled"].to_numpy(dtype=bool)
        self.classes = list(self.source.classes)
        colors = self.source.class_colors  # a fresh dict per call: read it once
        self.colors = [colors.get(c, "#808080") for c in self.classes]
        self._orders.pop(Column.LABELS, None)
        # Dropped if made for another class list (the source's new match follows).
        self.set_suggestions(self.suggestions)

    def refresh(self, kind: str, rows: np.ndarray | None = None) -> None:
        """Re-read what an edit of ``kind`` ('labels' | 'review' | 'classes' | 'split')
        changed."""
        if kind == "review":
            self.refresh_review(rows)
            self.labeled = self.source.images["labeled"].to_numpy(dtype=bool)
        elif kind == "split":
            self.split = self.source.images["split"].to_numpy(dtype=str)
            self._orders.pop(Column.SPLIT, None)
        else:
            self.refresh_labels()

    def set_suggestions(self, suggestions: Suggestions | None) -> None:
        """Show ``suggestions`` (matched to the current classes; None: no model) in the
        Suggested and Uncertainty columns."""
        if suggestions is not None and (suggestions.classes != tuple(self.classes)
                                        or len(suggestions.scored) != self.n_rows):
            # Matched to an older class list or image table: the new match follows.
            suggestions = None
        self.suggestions = suggestions
        if suggestions is None:
            self.suggested = np.zeros((self.n_rows, len(self.classes)), dtype=bool)
            self.uncertainty = np.full(self.n_rows, np.nan, dtype=np.float32)
            self.confident = np.zeros(self.n_rows, dtype=bool)
        else:
            self.suggested = suggestions.suggested
            self.uncertainty = suggestions.uncertainty
            self.confident = suggestions.confident
        self._orders.pop(Column.SUGGESTED, None)
        self._orders.pop(Column.UNCERTAINTY, None)

    # --- cell values -------------------------------------------------------------------
    def label_names(self, row: int, matrix: np.ndarray | None = None) -> list[str]:
        """The class names of ``row`` in ``matrix`` (default: its labels), class order."""
        return [name for name, _ in self.label_chips(row, matrix)]

    def label_chips(self, row: int, matrix: np.ndarray | None = None) -> list[tuple[str, str]]:
        """(class name, colour '#rrggbb') of each label of ``row`` in ``matrix`` (default:
        the labels; the Suggested column passes the suggestions), in class order."""
        matrix = self.labels if matrix is None else matrix
        if row >= len(matrix) or matrix.shape[1:] != (len(self.classes),):
            return []
        return [(self.classes[j], self.colors[j]) for j in np.flatnonzero(matrix[row])]

    # --- sorting -----------------------------------------------------------------------
    def full_order(self, column: Column) -> np.ndarray:
        """Every row id, sorted ascending by ``column`` (stable, ties by row id); cached."""
        order = self._orders.get(column)
        if order is None:
            order = self._sort(column)
            self._orders[column] = order
        return order

    def _sort(self, column: Column) -> np.ndarray:
        if column == Column.FILE:
            return np.argsort(self.filename_lower, kind="stable")
        if column in (Column.LABELS, Column.SUGGESTED):
            matrix = self.labels if column == Column.LABELS else self.suggested
            if matrix.shape[1] == 0:
                return np.arange(self.n_rows)
            # Group by label in class order: rows with class 0 first, then by class 1, ...
            keys = [~matrix[:, j] for j in range(matrix.shape[1] - 1, -1, -1)]
            return np.lexsort(keys)
        if column == Column.UNCERTAINTY:
            # Unscored images sort as the least uncertain: last when most uncertain first.
            return np.argsort(np.nan_to_num(self.uncertainty, nan=-1.0), kind="stable")
        if column == Column.OBJECTS:
            return np.argsort(self.n_objects, kind="stable")
        if column == Column.SIZE:
            return np.lexsort((self.height, self.width, self.width * self.height))
        if column == Column.SPLIT:
            return np.argsort(self.split, kind="stable")
        if column == Column.REVIEW:
            return np.argsort(self.review, kind="stable")
        return np.argsort(self.n_problems, kind="stable")
