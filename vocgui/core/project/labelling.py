"""Small pure helpers shared by the project's edits: names, colours, rows, label tuples,
setting cells of the image table."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from vocgui.core.voc.class_names import class_name_problem

#: Default class colours (matplotlib's tab20, reordered so neighbours differ strongly).
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
    "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: Up to this many rows, set_cells sets one cell at a time: pandas' ``.at`` costs about
#: 30 us a cell, ``.loc`` with its index alignment 500-700 us whatever the count.
_CELL_BY_CELL = 16


def check_class_name(name: object) -> str:
    """Return ``name`` if it can be a class name (see :mod:`vocgui.core.voc.class_names`,
    the rule the loader applies too), else raise ValueError saying why."""
    problem = class_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name  # type: ignore[return-value]


def check_label_set(labels: object) -> list[str]:
    """A collection of class names as a list without repeats; a bare string is refused
    (it would otherwise be read as one label per character)."""
    if isinstance(labels, str):
        raise TypeError(f"labels must be a collection of names, not the string {labels!r}")
    return [check_class_name(n) for n in dict.fromkeys(labels)]


def check_color(color: object) -> str:
    """Return ``color`` normalised to lower-case '#rrggbb', else raise ValueError."""
    if not isinstance(color, str) or not _COLOR.match(color):
        raise ValueError(f"a class colour must look like '#rrggbb', not {color!r}")
    return color.lower()


def next_color(used: Iterable[str]) -> str:
    """The first palette colour not in use, cycling when all are."""
    used_set = set(used)
    for color in PALETTE:
        if color not in used_set:
            return color
    return PALETTE[len(used_set) % len(PALETTE)]


def check_rows(rows: object, n_images: int) -> np.ndarray:
    """Row ids as a 1-D int64 array, refusing out-of-range ids and repeats."""
    raw = np.asarray(rows if rows is not None else [])
    if raw.dtype == bool:
        raise TypeError("rows must be row ids, not a boolean mask (use np.flatnonzero(mask))")
    arr = raw.astype(np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= n_images):
        bad = arr[(arr < 0) | (arr >= n_images)][0]
        raise IndexError(f"row {bad} is out of range (the project has {n_images} images)")
    if arr.size != np.unique(arr).size:
        raise ValueError("rows must not repeat")
    return arr


def label_tuples(matrix: np.ndarray, classes: Sequence[str]) -> list[tuple[str, ...]]:
    """Each row's labels as a sorted tuple of class names.

    Past a few rows, rows sharing a label combination share one tuple, so a million rows
    cost only as many tuples as there are distinct combinations.
    """
    if matrix.shape[0] == 0:
        return []
    if matrix.shape[1] == 0:
        return [()] * matrix.shape[0]
    if matrix.shape[0] <= _CELL_BY_CELL:  # an annotator's edit: no packing and sorting
        names = np.asarray(classes, dtype=object)
        return [tuple(sorted(names[row])) for row in matrix]
    packed = np.packbits(matrix, axis=1)
    if packed.shape[1] <= 8:  # up to 64 classes: one integer key per row sorts fastest
        padded = np.zeros((len(packed), 8), dtype=np.uint8)
        padded[:, :packed.shape[1]] = packed
        keys = padded.view(np.uint64).ravel()
    else:
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    names = np.asarray(classes, dtype=object)
    combos = [tuple(sorted(names[matrix[i]])) for i in first]
    return [combos[k] for k in inverse.ravel()]


def widen(matrix: np.ndarray, n: int) -> np.ndarray:
    """``matrix`` (bool, rows x classes) with ``n`` all-False columns after its own, for
    classes an edit creates; ``matrix`` itself for none (np.pad costs 80 us even then,
    a good part of a one-image edit)."""
    if n == 0:
        return matrix
    return np.concatenate([matrix, np.zeros((len(matrix), n), dtype=bool)], axis=1)


def set_cells(frame: pd.DataFrame, rows: np.ndarray, column: str, values) -> None:
    """``frame[column]`` at ``rows`` (ids = the index) becomes ``values`` (one per row; a
    tuple is one value). The one-image edit of an annotator is most edits: it must cost
    microseconds, not a millisecond."""
    if len(rows) <= _CELL_BY_CELL:
        for row, value in zip(np.asarray(rows).tolist(), values, strict=True):
            frame.at[row, column] = value
    else:
        dtype = object if frame[column].dtype == object else frame[column].dtype
        frame.loc[rows, column] = pd.Series(list(values), index=rows, dtype=dtype)
