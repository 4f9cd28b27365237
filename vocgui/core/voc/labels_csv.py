"""A label table as CSV for Keras ``flow_from_dataframe``, read back losslessly.

Columns: ``filename`` (absolute image path) and ``labels``, each cell a JSON list of
class names (``["dining table", "dog"]``), so names with spaces, commas or quotes
survive. A plain CSV reader would hand Keras that JSON text as one string, which it
then takes for a single class name; read the file with :func:`read_labels_csv`, which
turns every cell back into a tuple of names that ``flow_from_dataframe(...,
class_mode="categorical")`` accepts as multi-label targets::

    frame = read_labels_csv("labels.csv")
    ImageDataGenerator().flow_from_dataframe(frame, x_col="filename", y_col="labels",
                                             classes=classes, class_mode="categorical")

Other columns of the frame are written as text and read back as text.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable

import pandas as pd

from vocgui.core.atomic import atomic_text_writer

LABELS_COLUMN = "labels"


class LabelsCsvError(ValueError):
    """The file is not a labels CSV written by :func:`write_labels_csv`."""


def encode_labels(labels: Iterable[str]) -> str:
    """One cell: a JSON list of the class names, in order."""
    return json.dumps(list(labels), ensure_ascii=False)


def decode_labels(cell: str) -> tuple[str, ...]:
    """The class names of one cell written by :func:`encode_labels`."""
    value = json.loads(cell)
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValueError("not a JSON list of class names")
    return tuple(value)


def write_labels_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> None:
    """Write ``frame`` (with a ``labels`` column of name sequences) to ``path`` atomically.

    The file appears complete or not at all: it is written next to ``path`` and renamed.
    """
    if LABELS_COLUMN not in frame.columns:
        raise ValueError(f"the frame has no '{LABELS_COLUMN}' column")
    columns = [str(column) for column in frame.columns]
    labels_at = columns.index(LABELS_COLUMN)
    with atomic_text_writer(path) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in frame.itertuples(index=False, name=None):
            cells = ["" if value is None else str(value) for value in row]
            cells[labels_at] = encode_labels(row[labels_at])
            writer.writerow(cells)


def read_labels_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a file written by :func:`write_labels_csv`; ``labels`` cells become tuples."""
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            raise LabelsCsvError(f"{path}: empty file, no header") from None
        if LABELS_COLUMN not in header:
            raise LabelsCsvError(f"{path}: no '{LABELS_COLUMN}' column in the header")
        labels_at = header.index(LABELS_COLUMN)
        rows = list(reader)
    columns: dict[str, list] = {name: [] for name in header}
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise LabelsCsvError(f"{path}, line {line}: {len(row)} cells, expected "
                                 f"{len(header)}")
        for name, cell in zip(header, row, strict=True):
            columns[name].append(cell)
        try:
            columns[LABELS_COLUMN][-1] = decode_labels(row[labels_at])
        except ValueError as error:
            raise LabelsCsvError(f"{path}, line {line}: bad labels cell {row[labels_at]!r}: "
                                 f"{error}") from None
    frame = pd.DataFrame({name: pd.Series(values, dtype=object if name == LABELS_COLUMN
                                          else str)
                          for name, values in columns.items()}, columns=header)
    return frame
