"""Copying a whole project between stores: a file and a PostgreSQL database, either way.

Every table is copied row for row (images, objects with their row ids, classes with their
ids, labels, review states and notes, problems, the edit log, runs, epochs, predictions,
hashes, meta), so the copy is the same project: a round trip compares equal table by
table (tests/core/test_team_copy.py). The source is only read. The destination must not
hold a project yet: a new file is written under a temporary name and renamed into place,
a database is filled in one transaction, so a failed copy leaves nothing behind.

Run files (models, scores, features) live in a folder beside the project
(:func:`.runs.run_folder`); the copy copies that folder too and points the runs' model
paths into the new one, so a copied run is reviewable from the copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vocgui.core.project.building import new_project_file
from vocgui.core.project.errors import ProjectIOError
from vocgui.core.project.postgres_dialect import sqlite_column
from vocgui.core.project.schema import SCHEMA_VERSION
from vocgui.core.project.stores import Location, open_store
from vocgui.core.project.team_url import is_team_url, shown_location

#: Columns holding paths of run files, rewritten into the destination's run folder.
_RUN_FILE_COLUMNS = {"runs": ("model_path",), "predictions": ("features",)}


@dataclass(frozen=True)
class CopyReport:
    """What :func:`copy_project` copied: rows per table, and the run files' folder."""

    rows: dict[str, int]
    run_files: Path | None

    def text(self) -> str:
        counts = ", ".join(f"{n:,} {t}" for t, n in self.rows.items() if n)
        files = f"; run files copied to {self.run_files}" if self.run_files else ""
        return f"copied {counts}{files}"


def table_columns(conn) -> dict[str, list[str]]:
    """Every table of an open store's connection with its columns (SQLite names), a
    table without a primary key with its ``rowid`` first (objects: undo and the boxes'
    order rely on it)."""
    tables = [t for (t,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not t.startswith("sqlite_")]
    out = {}
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        columns = [sqlite_column(r[1]) for r in info]
        if isinstance(conn, sqlite3.Connection) and not any(r[5] for r in info):
            columns.insert(0, "rowid")
        out[table] = columns
    return out


def copy_project(source: Location, target: Location,
                 progress: Callable[[str], None] | None = None) -> CopyReport:
    """Copy the project at ``source`` to ``target`` (a new file or an empty database)."""
    store = _open_current(source)
    try:
        src = store.conn
        columns = table_columns(src)
        with _new_database(target) as (dst, target_path):
            wanted = table_columns(dst)
            rows = {}
            for table, names in columns.items():
                if table not in wanted:
                    raise ProjectIOError(f"{shown_location(source)} has a table {table!r} "
                                         "that this vocgui does not know; nothing was copied")
                names = [c for c in names if c in wanted[table]]
                if progress is not None:
                    progress(table)
                rows[table] = _copy_table(src, dst, table, names,
                                          _rewrite(store.path, target_path, table, names))
            for table, n in rows.items():
                (found,) = dst.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
                if found != n:
                    raise ProjectIOError(f"copying {table} to {shown_location(target)} wrote "
                                         f"{found} rows of {n}; nothing was copied")
        run_files = _copy_run_files(store.path, target_path)
    finally:
        store.close()
    return CopyReport(rows, run_files)


def _open_current(source: Location):
    """The source store, read-only, at the current schema (an older one is upgraded
    first, as opening it in the app would)."""
    store = open_store(source, read_only=True)
    (version,) = store.conn.execute(
        "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if int(version) < SCHEMA_VERSION:
        store.close()
        open_store(source).close()
        store = open_store(source, read_only=True)
    return store


def _copy_table(src, dst, table: str, names: list[str], rewrite: Callable | None) -> int:
    listed = ", ".join(names)
    found = src.execute(f"SELECT {listed} FROM {table}").fetchall()
    if rewrite is not None:
        found = [rewrite(r) for r in found]
    marks = ", ".join("?" * len(names))
    dst.executemany(f"INSERT INTO {table} ({listed}) VALUES ({marks})", found)
    return len(found)


def _run_folder_of(path: Path) -> Path:
    return path.with_name(path.name + ".runs")


def _rewrite(source_path: Path, target_path: Path, table: str,
             names: list[str]) -> Callable | None:
    """A row mapper pointing run-file paths into the target's run folder, or None."""
    where = [names.index(c) for c in _RUN_FILE_COLUMNS.get(table, ()) if c in names]
    if not where:
        return None
    old, new = str(_run_folder_of(source_path)), str(_run_folder_of(target_path))

    def rewrite(row: tuple) -> tuple:
        row = list(row)
        for i in where:
            if isinstance(row[i], str) and (row[i] == old or row[i].startswith(old + os.sep)):
                row[i] = new + row[i][len(old):]
        return tuple(row)
    return rewrite


def _copy_run_files(source_path: Path, target_path: Path) -> Path | None:
    old, new = _run_folder_of(source_path), _run_folder_of(target_path)
    if not old.is_dir() or old.resolve() == new.resolve():
        return None
    shutil.copytree(old, new, dirs_exist_ok=True)
    return new


@contextlib.contextmanager
def _new_database(target: Location):
    """(connection, project path) of a new, empty project schema at ``target``; committed
    (a file: renamed into place) when the block ends, gone when it raises."""
    if is_team_url(target):
        from vocgui.core.project.pg_store import new_schema

        with new_schema(str(target)) as found:
            yield found
        return
    path = Path(target).absolute()
    with new_project_file(path) as conn:
        yield conn, path
