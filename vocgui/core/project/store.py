"""The SQLite connection of one project: opening checks, the process lock, transactions.

Durability: WAL with ``synchronous=FULL``, so a committed edit survives a process kill
and a power loss (WAL with NORMAL survives a kill but may lose the last commits on power
loss); ``benchmarks/bench_edits.py`` shows an edit still commits well under 5 ms.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from vocgui.core.project.errors import (
    NotAProjectError,
    ProjectError,
    ProjectIOError,
    ProjectLockedError,
)
from vocgui.core.project.schema import MIGRATIONS, Migration, check_version, migrate, read_version
from vocgui.core.project.store_base import ProjectStore

if TYPE_CHECKING:
    import numpy as np

SQLITE_MAGIC = b"SQLite format 3\x00"


def io_error(path: Path, doing: str, exc: BaseException) -> ProjectIOError:
    """A ProjectIOError naming the file, with the common causes spelled out."""
    text = str(exc)
    if "full" in text:
        reason = "the disk is full"
    elif "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        reason = "the file or its folder is read-only"
    else:
        reason = text
    return ProjectIOError(f"{path}: could not {doing}: {reason}; nothing was changed")


def check_sqlite_header(path: Path) -> None:
    """Refuse a missing file, or one that is not SQLite, before SQLite touches it."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise ProjectIOError(f"{path}: no such project file") from exc
    except OSError as exc:
        raise io_error(path, "read the project file", exc) from exc
    if not head:
        raise NotAProjectError(f"{path} is empty, not a vocgui project")
    if head != SQLITE_MAGIC:
        raise NotAProjectError(f"{path} is not a vocgui project (not an SQLite file)")


def lock_path(path: Path) -> Path:
    """The sidecar file that names the process holding ``path`` open for editing."""
    return path.with_name(path.name + ".lock")


# The editing lock is an flock on the project file itself, so it is keyed on the file
# (device + inode) whatever name, symlink or hard link opens it. Closing any descriptor
# of the file drops the POSIX locks that SQLite's connections in this process hold on
# it, so the lock's descriptor is closed only once no Store of this process has the file
# open (every Store, read-only too, is counted here).
_lock_fds: dict[tuple[int, int], int] = {}
_READ_ONLY_HINT = "(File > Open Read-Only, or vocgui --read-only PATH)"
_held: set[tuple[int, int]] = set()
_open_stores: Counter[tuple[int, int]] = Counter()


def file_key(path: Path) -> tuple[int, int]:
    """(device, inode) of ``path``, links followed."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise io_error(path, "open the project file", exc) from exc
    return info.st_dev, info.st_ino


def acquire_lock(path: Path, key: tuple[int, int]) -> None:
    """Take the editing lock of ``path`` (whose :func:`file_key` is ``key``); the OS
    releases it if the process dies. ProjectLockedError when another process, or this
    one, has the file open for editing."""
    if key in _held:
        raise ProjectLockedError(f"{path} is open in this process; close it there, or open "
                                 f"it read-only {_READ_ONLY_HINT}")
    fd = _lock_fds.get(key)
    if fd is None:
        try:
            fd = _lock_fds[key] = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise io_error(path, "open the project file", exc) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _close_unused(key)
        raise ProjectLockedError(f"{path} is open in {_lock_holder(path)}; close it there, "
                                 f"or open it read-only {_READ_ONLY_HINT}") from None
    _held.add(key)
    _write_holder(path)


def release_lock(key: tuple[int, int]) -> None:
    """Release the editing lock taken by :func:`acquire_lock`."""
    if key in _held:
        _held.discard(key)
        fcntl.flock(_lock_fds[key], fcntl.LOCK_UN)
    _close_unused(key)


def _close_unused(key: tuple[int, int]) -> None:
    if not _open_stores[key] and key not in _held and key in _lock_fds:
        os.close(_lock_fds.pop(key))


def _lock_holder(path: Path) -> str:
    try:
        pid = lock_path(path.resolve()).read_text().strip()
    except OSError:
        pid = ""
    return f"another vocgui process (pid {pid})" if pid.isdigit() else \
        "another vocgui process"


def _write_holder(path: Path) -> None:
    """Name this process in the sidecar (a courtesy for the message; the lock is the flock)."""
    sidecar = lock_path(path.resolve())
    try:
        fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError:
        return  # a read-only folder: the lock still holds, the message says less
    try:
        os.write(fd, str(os.getpid()).encode())
    finally:
        os.close(fd)


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick check (every page and record well formed); NotAProjectError if not.

    About 0.1 s for a 17,125-image project: cheap next to editing a damaged file, whose
    edits can leave it unreadable.
    """
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise damaged(path, "SQLite's integrity check failed: " + "; ".join(problems))


def damaged(path: Path, detail: str) -> NotAProjectError:
    """The error for a damaged project file, saying what can be recovered."""
    return NotAProjectError(
        f"the project file is damaged: {path} ({detail}). The dataset folders it was made "
        "from are untouched: open them again to make a new project (labels, review marks "
        "and runs kept only in this file would be missing). SQLite's own tool may recover "
        f"more: sqlite3 '{path}' .recover")


class Store(ProjectStore):
    """One open project file. Writes go through :meth:`write` (one transaction each)."""

    database_errors = (sqlite3.DatabaseError,)

    def __init__(self, path: Path, conn: sqlite3.Connection, key: tuple[int, int],
                 read_only: bool) -> None:
        self.path = path
        self.location = str(path)
        self.conn = conn
        self.read_only = read_only
        self._key: tuple[int, int] | None = key

    @classmethod
    def open(cls, path: Path, read_only: bool = False,
             migrations: Sequence[Migration] = MIGRATIONS) -> Store:
        """Open an existing project; see :class:`vocgui.core.project.Project.open`."""
        path = Path(path).absolute()
        check_sqlite_header(path)
        key = file_key(path)
        if not read_only:
            acquire_lock(path, key)
        try:
            conn = _connect(path, read_only)
            try:
                version = read_version(conn, path)
                check_version(version, path, latest=len(migrations) + 1)
                check_integrity(conn, path)
                if not read_only:
                    _prepare_for_writing(conn, version, migrations)
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
                if isinstance(exc, sqlite3.DatabaseError):
                    raise database_error(path, exc, read_only) from exc
                raise
        except BaseException:
            release_lock(key)
            raise
        _open_stores[key] += 1
        return cls(path, conn, key, read_only)

    @contextmanager
    def write(self, action: str, detail: dict | None,
              rows: np.ndarray | None = None) -> Iterator[sqlite3.Connection]:
        """One durable transaction that also appends to the edit log (unless ``detail`` is
        None: bookkeeping such as a training run's epochs is not a user's edit). ``rows``
        needs nothing here: a file has one writer.

        Raises ProjectIOError (naming the file) if it cannot be written; the file is then
        as before, and so is the caller's memory, as long as it updates memory only after
        this block.
        """
        if self.read_only:
            raise ProjectIOError(f"{self.path} is open read-only; nothing was changed")
        if self._depth:  # part of a transaction(): it commits or rolls back everything
            yield self.conn
            self._log(action, detail)
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise io_error(self.path, f"start the edit '{action}'", exc) from exc
        try:
            yield self.conn
            self._log(action, detail)
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise io_error(self.path, f"save the edit '{action}'", exc) from exc
            raise

    def read_error(self, exc: BaseException) -> ProjectError:
        return database_error(self.path, exc, self.read_only)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL) and release the lock."""
        self.conn.close()
        if self._key is not None:
            _open_stores[self._key] -= 1
            if not self.read_only:
                release_lock(self._key)
            else:
                _close_unused(self._key)
            self._key = None


def database_error(path: Path, exc: sqlite3.DatabaseError, read_only: bool) -> ProjectError:
    """A damaged file is NotAProjectError; anything else (read-only, I/O) ProjectIOError."""
    text = str(exc)
    if "malformed" in text or "not a database" in text:
        return damaged(path, f"truncated or corrupt: {text}")
    doing = "open the project" if read_only else "open the project for editing (open it " \
        "read-only to view it)"
    return io_error(path, doing, exc)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    uri = f"{path.as_uri()}?mode={'ro' if read_only else 'rw'}"
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per edit.
        # check_same_thread=False: the app's loader thread opens the project and hands it
        # to the GUI thread, which alone uses it from then on (docs/architecture.md).
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        if read_only:
            conn.execute("PRAGMA query_only = 1")
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file in a read-only folder cannot get its -shm index. With no WAL
                # content pending, reading the main file as immutable is exact.
                wal = path.with_name(path.name + "-wal")
                if wal.exists() and wal.stat().st_size:
                    raise
                conn.close()
                conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None,
                                       check_same_thread=False)
    except sqlite3.Error as exc:
        raise io_error(path, "open the project file", exc) from exc
    return conn


def _prepare_for_writing(conn: sqlite3.Connection, version: int,
                         migrations: Sequence[Migration]) -> None:
    """WAL + FULL sync, migrations, and a proof that the file can be written."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    migrate(conn, version, migrations)
    # An empty write transaction fails now, not at the first edit, on a read-only file.
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
    conn.execute("ROLLBACK")
