"""What a project store is, whichever database is behind it (SQLite file or PostgreSQL).

The :class:`Project` and its edit mixins use only this: ``conn`` (``execute``,
``executemany`` with SQLite's dialect and ``?`` placeholders; cursors with ``fetchone``,
``fetchall``, iteration, ``lastrowid``, ``rowcount``), :meth:`ProjectStore.write` (one
transaction per edit, logged), :meth:`ProjectStore.transaction` (several writes as one),
``read_only``, ``location`` (what the user opened: a file path or a URL), ``path`` (a
file path: the project file, or for a team project its local stand-in, beside which the
run folders live) and ``single_writer`` (only one process edits at a time: SQLite).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vocgui.core.project.user import current_user

if TYPE_CHECKING:
    import numpy as np


def now_utc() -> str:
    """The current time as an ISO-8601 UTC string (what the edit log records)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ProjectStore:
    """Base of :class:`~.store.Store` (SQLite) and :class:`~.pg_store.PgStore`."""

    conn: Any
    path: Path
    location: str
    read_only: bool
    #: True where one process alone may edit (SQLite's lock): runs left 'running' by a
    #: dead process are then known to be abandoned.
    single_writer = True
    #: The driver's exception classes that mean a read failed.
    database_errors: tuple[type[BaseException], ...] = ()
    _depth = 0  # > 0 inside transaction(): writes join it, one commit at its end

    def write(self, action: str, detail: dict | None,
              rows: np.ndarray | None = None) -> AbstractContextManager[Any]:
        """One durable transaction that also appends to the edit log (unless ``detail``
        is None: bookkeeping is not a user's edit); ProjectIOError if it cannot be made.

        ``rows`` (image ids) says the edit changes only those images' label and review
        cells, and its block reads nothing back: on a server it then locks just those
        images (other edits run alongside) and goes as one round trip. None: the edit
        may change anything (classes, runs), and other writers wait for it."""
        raise NotImplementedError

    def read_error(self, exc: BaseException) -> Exception:
        """The ProjectError to raise for a failed read ``exc`` (one of database_errors)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self, action: str) -> Iterator[None]:
        """Every :meth:`write` inside the block joins one durable transaction: all of them
        are on disk when the block ends, or (it raised) none of them is."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self.write(action, None):
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0

    def _log(self, action: str, detail: dict | None) -> int | None:
        """Append to the edit log inside the current write; the entry's id."""
        if detail is None:
            return None
        return self.conn.execute(
            "INSERT INTO edit_log (at, who, action, detail) VALUES (?, ?, ?, ?)",
            (now_utc(), current_user(), action, json.dumps(detail, ensure_ascii=False))
        ).lastrowid
