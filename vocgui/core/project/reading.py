"""Reading a project file into memory: the image table, the label matrix, the classes.

Nothing here parses XML: everything comes from the tables written at creation and by edits.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vocgui.core.project.image_columns import decode_static_columns
from vocgui.core.project.labelling import label_tuples
from vocgui.core.project.schema import REVIEW_STATUSES
from vocgui.core.voc.dataset import Problem

#: The columns edits change, read with one scan of the images table, each aggregated into
#: a single string (a Python tuple per row costs ~4x more). Notes are joined with NUL,
#: which no stored note contains (notes are checked); ``id`` carries the scan order, which
#: is checked rather than trusted. The other columns come from one blob (image_columns).
#: A file opened read-only is never migrated: before schema 2 every image was labeled.
_EDITED_QUERY = ("SELECT COUNT(*), group_concat(id), group_concat(review), "
                 "group_concat(note, char(0)), group_concat({labeled}) FROM images")


@dataclass
class ClassTable:
    """The ordered classes: names, their stable ids in the file, and colours."""

    names: list[str]
    ids: list[int]
    colors: dict[str, str]

    def index(self, name: str) -> int:
        return self.names.index(name)


def read_roots(conn: sqlite3.Connection) -> list[str]:
    return [r for (r,) in conn.execute("SELECT path FROM roots ORDER BY id")]


def read_classes(conn: sqlite3.Connection) -> ClassTable:
    rows = conn.execute("SELECT id, name, color FROM classes ORDER BY position").fetchall()
    return ClassTable([r[1] for r in rows], [r[0] for r in rows], {r[1]: r[2] for r in rows})


def read_label_matrix(conn: sqlite3.Connection, n_images: int,
                      classes: ClassTable) -> np.ndarray:
    """The (n_images, n_classes) bool matrix, columns in class order."""
    matrix = np.zeros((n_images, len(classes.names)), dtype=bool)
    column_of = dict(zip(classes.ids, range(len(classes.ids)), strict=True))
    for class_id, image_ids in conn.execute(
            "SELECT class_id, group_concat(image_id) FROM labels GROUP BY class_id"):
        matrix[_ints(image_ids), column_of[class_id]] = True
    return matrix


def read_images(conn: sqlite3.Connection, matrix: np.ndarray, classes: ClassTable,
                problem_counts: dict[str, int]) -> pd.DataFrame:
    """The image table: the loader's columns (``labeled`` as edited since) plus review,
    note and n_problems."""
    has_labeled = any(r[1] == "labeled" for r in conn.execute("PRAGMA table_info(images)"))
    n, ids, review, note, labeled = conn.execute(
        _EDITED_QUERY.format(labeled="labeled" if has_labeled else "1")).fetchone()
    (blob,) = conn.execute("SELECT data FROM image_columns").fetchone()
    stored = conn.execute("SELECT value FROM meta WHERE key = 'image_columns_sha256'"
                          ).fetchone()
    ints, texts = decode_static_columns(blob, stored and stored[0])  # in id order
    ids, review, labeled = _ints(ids), _ints(review), _ints(labeled)
    # PostgreSQL aggregates the notes as a list (its text cannot hold the NUL).
    notes = np.asarray([] if note is None else note if isinstance(note, list)
                       else note.split("\0"), dtype=object)
    if len(texts["filename"]) != n or len(notes) != n or len(review) != n or \
            len(labeled) != n:
        raise ValueError("the stored image columns do not match the images table")
    if not np.array_equal(ids, np.arange(n)):  # a rowid scan is in id order, in practice
        order = np.argsort(ids, kind="stable")
        if not np.array_equal(ids[order], np.arange(n)):
            raise ValueError(f"image ids are not 0..{n - 1}")
        review, notes, labeled = review[order], notes[order], labeled[order]
    texts["note"], ints["review"], ints["labeled"] = notes, review, labeled

    def text(column: str, shared: bool = False) -> pd.Series:
        values = np.asarray(texts[column], dtype=object)
        if shared:  # one str object per distinct value (split, note): saves memory
            codes, uniques = pd.factorize(values)
            values = np.asarray(uniques, dtype=object)[codes]
        return pd.Series(values, dtype=str)

    def number(column: str, dtype: type = np.int64) -> np.ndarray:
        return ints[column].astype(dtype)

    frame = pd.DataFrame({
        "filename": text("filename"),
        "root": number("root"),
        "image_path": text("image_path"),
        "annotation_path": text("annotation_path"),
        "labels": pd.Series(label_tuples(matrix, classes.names), dtype=object),
        "labeled": number("labeled", bool),
        "n_objects": number("n_objects"),
        "width": number("width"),
        "height": number("height"),
        "depth": number("depth"),
        "segmented": number("segmented", bool),
        "split": text("split", shared=True),
        "review": pd.Series(np.asarray(REVIEW_STATUSES, dtype=object)[number("review")],
                            dtype=str),
        "note": text("note", shared=True),
    })
    counts = frame["filename"].map(problem_counts) if problem_counts else None
    frame["n_problems"] = (np.zeros(n, dtype=np.int64) if counts is None
                           else counts.fillna(0).astype(np.int64).to_numpy())
    return frame


def _ints(text: str | None) -> np.ndarray:
    """A group_concat of integers back to an int64 array."""
    # fromstring's text mode parses in C, ~7x faster than splitting into Python strs.
    return np.fromstring(text or "", dtype=np.int64, sep=",")


def read_problem_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute(
        "SELECT image, COUNT(*) FROM problems WHERE image IS NOT NULL GROUP BY image"))


def read_problems(conn: sqlite3.Connection) -> list[Problem]:
    return [Problem(*r) for r in
            conn.execute("SELECT file, kind, message, image FROM problems ORDER BY id")]


def read_objects(conn: sqlite3.Connection) -> pd.DataFrame:
    rows = conn.execute("SELECT image_id, name, xmin, ymin, xmax, ymax, difficult, truncated, "
                        "occluded, pose FROM objects ORDER BY rowid").fetchall()
    cols = list(zip(*rows, strict=True)) if rows else [()] * 10
    return pd.DataFrame({
        "image": np.asarray(cols[0], dtype=np.int64),
        "name": pd.Series(cols[1], dtype=str),
        **{k: np.asarray([np.nan if v is None else v for v in cols[i]], dtype=np.float64)
           for i, k in ((2, "xmin"), (3, "ymin"), (4, "xmax"), (5, "ymax"))},
        "difficult": np.asarray(cols[6], dtype=bool),
        "truncated": np.asarray(cols[7], dtype=bool),
        "occluded": np.asarray(cols[8], dtype=bool),
        "pose": pd.Series(cols[9], dtype=str),
    })
