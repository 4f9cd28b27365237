"""Importing labels from a CSV (another tool's, or an earlier export) onto a project.

The import is planned first (which rows match, which lines match nothing) and applied as
one undoable command, so the user sees the report and can undo the whole import.
"""

from __future__ import annotations

import ast
import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.project.commands import ImportLabels
from vocgui.core.project.project import Project
from vocgui.core.voc.class_names import normalise_class_name
from vocgui.core.wording import plural

#: Longest list-literal labels cell parsed: real cells are a few dozen characters.
MAX_CELL_CHARS = 100_000


@dataclass
class LabelImport:
    """A planned import: ``rows`` get ``labels``; ``unmatched`` lists (line, filename) of
    CSV lines that matched no image; ``ambiguous`` those matching several images."""

    source: Path
    rows: np.ndarray
    labels: list[tuple[str, ...]]
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    ambiguous: list[tuple[int, str]] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)

    def command(self, project: Project) -> ImportLabels:
        """The undoable command applying the import (push it on an undo stack)."""
        return ImportLabels(project, self.rows, self.labels, source=self.source.name)

    def report(self) -> str:
        """A short human summary, listing the first lines that matched nothing."""
        text = [f"{plural(len(self.rows), 'image')} matched in {self.source.name}"]
        if self.new_classes:
            text.append(f"new classes: {', '.join(self.new_classes)}")
        for what, items in (("matched no image", self.unmatched),
                            ("matched several images", self.ambiguous)):
            if items:
                shown = "; ".join(f"line {n}: {f}" for n, f in items[:10])
                more = f" (+{len(items) - 10} more)" if len(items) > 10 else ""
                text.append(f"{plural(len(items), 'line')} {what}: {shown}{more}")
        return "\n".join(text)


def plan_label_import(project: Project, path: str | os.PathLike,
                      filename_column: str = "filename", labels_column: str = "labels",
                      label_sep: str | None = None) -> LabelImport:
    """Match each CSV line to an image by absolute path, file name or file stem.

    A later line for the same image wins. ValueError names the file if it is unreadable.
    """
    frame = read_foreign_labels_csv(path, filename_column, labels_column, label_sep)
    by_key: dict[str, list[int]] = {}
    filenames = project.images["filename"].tolist()
    for row, (absolute, name) in enumerate(zip(project.absolute_paths(), filenames,
                                               strict=True)):
        for key in dict.fromkeys((absolute, name, Path(name).stem)):
            by_key.setdefault(key, []).append(row)
    chosen: dict[int, tuple[str, ...]] = {}
    plan = LabelImport(Path(path), np.zeros(0, dtype=np.int64), [])
    for line, (cell, labels) in enumerate(zip(frame[filename_column], frame[labels_column],
                                              strict=True), start=2):
        key = cell.strip()
        found = by_key.get(key) or by_key.get(Path(key).name) or by_key.get(Path(key).stem)
        if not found:
            plan.unmatched.append((line, cell))
        elif len(found) > 1:
            plan.ambiguous.append((line, cell))
        else:
            chosen[found[0]] = labels
    plan.rows = np.asarray(sorted(chosen), dtype=np.int64)
    plan.labels = [chosen[r] for r in plan.rows.tolist()]
    plan.new_classes = sorted({n for t in plan.labels for n in t} - set(project.classes))
    return plan


def read_foreign_labels_csv(path: str | os.PathLike, filename_column: str = "filename",
                            labels_column: str = "labels", label_sep: str | None = None
                            ) -> pd.DataFrame:
    """A labels CSV from vocgui or another tool; the labels column becomes tuples of str.

    Every line must have as many fields as the header (an unquoted labels cell holding
    commas would otherwise shift the columns). Class names follow the project's rule
    (:mod:`vocgui.core.voc.class_names`): odd whitespace and control characters become
    spaces, so an import that was confirmed cannot fail on them. ValueError names the
    file, the line and the problem.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            lines = list(csv.reader(file, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot read as CSV: {exc}") from exc
    if not lines:
        raise ValueError(f"{path}: the file is empty (a header line with a {filename_column!r} "
                         f"and a {labels_column!r} column is needed)")
    header = lines[0]
    for column in (filename_column, labels_column):
        if column not in header:
            raise ValueError(f"{path}: no {column!r} column (found {header})")
    for line, fields in enumerate(lines[1:], start=2):
        if fields and len(fields) != len(header):
            raise ValueError(f"{path}, line {line}: {len(fields)} fields where the header has "
                             f"{len(header)} (quote a labels cell that contains commas)")
    rows = [fields for fields in lines[1:] if fields]  # blank lines carry nothing
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else \
        pd.DataFrame({name: pd.Series(dtype=str) for name in header})
    labels = []
    for line, cell in enumerate(frame[labels_column], start=2):
        try:
            labels.append(parse_labels_cell(cell, label_sep))
        except ValueError as exc:
            raise ValueError(f"{path}, line {line}: {exc}") from exc
    frame[labels_column] = pd.Series(labels, dtype=object)
    return frame


def parse_labels_cell(cell: str, sep: str | None = None) -> tuple[str, ...]:
    """One labels cell as other tools write it: a JSON list (vocgui's own encoding), a
    Python list literal (what a DataFrame of lists becomes in a CSV: "['cat', 'dog']"), or
    names joined by ``sep`` (whitespace when None). An empty cell means no labels. Names
    are normalised to valid class names."""
    text = cell.strip()
    if not text:
        return ()
    parts = _parse_list(cell, text) if text.startswith("[") else text.split(sep)
    return tuple(dict.fromkeys(name for part in parts
                               if (name := normalise_class_name(part))))


def _parse_list(cell: str, text: str) -> list[str]:
    shown = cell if len(cell) <= 60 else f"{cell[:60]}..."
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(f"labels cell {shown!r} is {len(text):,} characters long (at most "
                         f"{MAX_CELL_CHARS:,})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, RecursionError, MemoryError) as exc:
            raise ValueError(f"labels cell {shown!r} is not a JSON or Python list") from exc
    except RecursionError as exc:  # "[[[[..." nested deeper than Python can follow
        raise ValueError(f"labels cell {shown!r} is nested too deeply") from exc
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"labels cell {shown!r} must be a list of strings")
    return list(value)
