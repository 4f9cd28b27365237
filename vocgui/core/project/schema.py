"""The project file's tables, its schema version and the forward migrations.

Labels are stored as (image_id, class_id) pairs keyed by stable class ids, so renaming or
reordering a class touches one row of ``classes`` and never the labels; a bulk edit of
10,000 images is 10,000 primary-key inserts or deletes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from vocgui.core.project.errors import NewerSchemaError, NotAProjectError

Migration = Callable[[sqlite3.Connection], None]

#: Version 2: a cache of each image file's hashes (duplicate finding), keyed by image id
#: and checked against the file's mtime and size. Hashes are 64-bit, stored signed.
IMAGE_HASHES_DDL = """
CREATE TABLE image_hashes (
    image_id INTEGER PRIMARY KEY,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    content TEXT NOT NULL, phash INTEGER, phash_inset INTEGER, error TEXT NOT NULL
);
"""


def _add_image_hashes(conn: sqlite3.Connection) -> None:
    conn.execute(IMAGE_HASHES_DDL)


def _add_labeled_state(conn: sqlite3.Connection) -> None:
    """Version 3: images carry an explicit labeled/unlabeled state. Every image of an
    older file came from an annotation XML, so all of them are labeled."""
    conn.execute("ALTER TABLE images ADD COLUMN labeled INTEGER NOT NULL DEFAULT 1")


def _add_scoring_pass(conn: sqlite3.Connection) -> None:
    """Version 4: a run's scores of every image say which images trained the model
    (``in_sample``, one byte per row) and name the file of pooled features."""
    conn.execute("ALTER TABLE predictions ADD COLUMN in_sample BLOB")
    conn.execute("ALTER TABLE predictions ADD COLUMN features TEXT")


#: Version 5: team labeling. ``image_edits``: who last changed each image's labels or
#: review (the edit log says the same, but per image it would be a scan of every entry).
#: ``claims``: an image taken by an annotator until ``expires`` (ISO-8601 UTC text, which
#: sorts as time). ``agreement_images``: the images of the agreement sample, each labeled
#: independently by several annotators into ``agreement_labels`` (one row per image and
#: annotator: the class ids, a JSON list, so "labeled, no class present" is a row with
#: ``[]``), apart from the image's own labels; ``settled`` is when its final labels were
#: decided ('' = not yet). Plain SQL types, no ``WITHOUT ROWID``: the PostgreSQL store
#: builds the same tables from this text.
TEAM_DDL = """
CREATE TABLE image_edits (
    image_id INTEGER PRIMARY KEY, who TEXT NOT NULL, at TEXT NOT NULL
);
CREATE INDEX image_edits_by_who ON image_edits (who);
CREATE TABLE claims (
    image_id INTEGER PRIMARY KEY, who TEXT NOT NULL, claimed TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE INDEX claims_by_who ON claims (who);
CREATE TABLE agreement_images (
    image_id INTEGER PRIMARY KEY, added TEXT NOT NULL, added_by TEXT NOT NULL,
    settled TEXT NOT NULL DEFAULT ''
);
CREATE TABLE agreement_labels (
    image_id INTEGER NOT NULL, who TEXT NOT NULL, class_ids TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (image_id, who)
);
"""

#: Edit-log actions that change an image's labels or review, each logging its ``rows``
#: (a class merge or delete, and their undo, relabel the images they log).
IMAGE_EDIT_ACTIONS = ("set_labels", "set_label_rows", "set_row_labels", "add_label",
                      "remove_label", "set_review", "set_review_rows", "merge_classes",
                      "delete_class", "restore_classes")


def _add_team_tables(conn: sqlite3.Connection) -> None:
    """Version 5: the team tables (:data:`TEAM_DDL`); who last edited each image is
    filled in from the edit log, so older edits are attributed too."""
    for statement in TEAM_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    last: dict[int, tuple[str, str]] = {}
    marks = ", ".join("?" * len(IMAGE_EDIT_ACTIONS))
    for at, who, detail in conn.execute(
            f"SELECT at, who, detail FROM edit_log WHERE action IN ({marks}) ORDER BY id",
            IMAGE_EDIT_ACTIONS):
        try:
            rows = json.loads(detail).get("rows", [])
        except (ValueError, AttributeError):
            continue  # an entry this vocgui did not write: no rows to attribute
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, int):
                last[row] = (who, at)
    conn.executemany("INSERT INTO image_edits (image_id, who, at) VALUES (?, ?, ?)",
                     [(row, who, at) for row, (who, at) in last.items()])


#: The first schema with the team tables.
TEAM_SCHEMA_VERSION = 5

#: Version 6: decision thresholds saved with a run (the Review tab's "Save thresholds"),
#: which its suggestions then use: ``thresholds`` a JSON object class name -> threshold
#: (by name, as the suggestions match classes), ``saved`` when (ISO-8601 UTC) and ``who``.
#: One row per run at most; no row: the run's suggestions use tuned thresholds.
RUN_THRESHOLDS_DDL = """
CREATE TABLE run_thresholds (
    run_id INTEGER PRIMARY KEY, thresholds TEXT NOT NULL, saved TEXT NOT NULL,
    who TEXT NOT NULL
);
"""
#: The first schema with :data:`RUN_THRESHOLDS_DDL`.
RUN_THRESHOLDS_SCHEMA_VERSION = 6


def _add_run_thresholds(conn: sqlite3.Connection) -> None:
    conn.execute(RUN_THRESHOLDS_DDL)


def stored_version(conn) -> int:
    """The schema version the open file records (plain SQL, for any store)."""
    return int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                            ).fetchone()[0])


#: ``MIGRATIONS[i]`` upgrades a file from version ``i + 1`` to ``i + 2`` in place; each runs
#: inside the transaction that also records the new version.
MIGRATIONS: list[Migration] = [_add_image_hashes, _add_labeled_state, _add_scoring_pass,
                               _add_team_tables, _add_run_thresholds]

#: The schema this vocgui writes. Bump it by appending a migration for every change.
SCHEMA_VERSION = len(MIGRATIONS) + 1

#: Review status stored as a small integer; index = stored code.
REVIEW_STATUSES = ("unreviewed", "reviewed", "flagged")

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE roots (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    filename TEXT NOT NULL,
    root INTEGER NOT NULL,
    image_path TEXT NOT NULL,
    annotation_path TEXT NOT NULL,
    n_objects INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    segmented INTEGER NOT NULL,
    split TEXT NOT NULL,
    review INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    labeled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE image_columns (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    data BLOB NOT NULL
);
CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL UNIQUE,
    color TEXT NOT NULL
);
CREATE TABLE labels (
    image_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    PRIMARY KEY (image_id, class_id)
) WITHOUT ROWID;
CREATE INDEX labels_by_class ON labels (class_id);
CREATE TABLE objects (
    image_id INTEGER NOT NULL, name TEXT NOT NULL,
    xmin REAL, ymin REAL, xmax REAL, ymax REAL,
    difficult INTEGER NOT NULL, truncated INTEGER NOT NULL, occluded INTEGER NOT NULL,
    pose TEXT NOT NULL
);
CREATE TABLE problems (
    id INTEGER PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
    image TEXT
);
CREATE TABLE edit_log (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, config TEXT NOT NULL,
    snapshot BLOB NOT NULL, status TEXT NOT NULL, model_path TEXT, message TEXT NOT NULL,
    finished TEXT
);
CREATE TABLE run_epochs (
    run_id INTEGER NOT NULL, epoch INTEGER NOT NULL, metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
CREATE TABLE predictions (
    run_id INTEGER NOT NULL, split TEXT NOT NULL, classes TEXT NOT NULL,
    rows BLOB NOT NULL, scores BLOB NOT NULL, in_sample BLOB, features TEXT,
    PRIMARY KEY (run_id, split)
);
""" + IMAGE_HASHES_DDL + TEAM_DDL + RUN_THRESHOLDS_DDL


def read_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, reading only (so a refused file stays untouched)."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        raise NotAProjectError(f"{path} is a database but not a vocgui project "
                               "(it has no 'meta' table)")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        raise NotAProjectError(f"{path} is not a vocgui project (no valid schema_version)")
    return int(row[0])


def check_version(version: int, path: Path, latest: int = SCHEMA_VERSION) -> None:
    """Refuse a file from a newer vocgui before anything is written to it."""
    if version > latest:
        raise NewerSchemaError(
            f"{path} was written by a newer vocgui (project schema version {version}; this "
            f"vocgui reads versions up to {latest}). Update vocgui to open it; the file was "
            "not changed.")


def migrate(conn: sqlite3.Connection, version: int,
            migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Upgrade the file from ``version`` to the latest, one transaction per step."""
    while version < len(migrations) + 1:
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations[version - 1](conn)
            version += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                         (str(version),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version
