"""A project on a PostgreSQL server (team mode): the store behind :class:`Project` when it
is opened from a ``postgresql://`` URL.

- The schema is :data:`schema.DDL` and :data:`schema.MIGRATIONS` run through
  :func:`postgres_dialect.to_postgres`, never a second copy. Opening checks the version
  first (a newer one: NewerSchemaError, nothing changed) and the privileges (a user who
  may not edit gets a clear message before any edit; read-only needs SELECT only).
- Every edit is one transaction (READ COMMITTED), attributed in the edit log to
  :func:`~.user.current_user`, committed with the server's synchronous commit (on disk
  when the call returns).
- Locks: a label or review edit of some images (most edits: one image) takes one
  transaction-level advisory lock *shared*, then those images' rows in id order, so
  edits of different images run at once and two edits sharing images queue on the first
  one they share; neither can deadlock. Every other write (classes, images, runs,
  claims, the agreement sample) and every migration takes the same advisory lock
  *exclusively*: one at a time, and never alongside a label edit. So no user ever sees
  a deadlock or a serialization failure; should the server still report one for a label
  edit, the store runs the edit again (its statements are all writes).
- Round trips: a label or review edit is queued and sent at once (BEGIN, locks, its
  statements, the log entry, COMMIT, its note; see PgConnection.run): one round trip.
  Other writes send BEGIN and the lock, run their statements, then the log, COMMIT and
  note in one more.
- Right after COMMIT, in a transaction of its own, the edit NOTIFYs channel
  :data:`CHANNEL` (see :mod:`.team_events`): listeners hear only of committed edits.
- There is no one-writer lock: any number of processes edit at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import errors as pg_errors

from vocgui.core.project.data_folder import data_dir
from vocgui.core.project.errors import NotAProjectError, ProjectError, ProjectIOError
from vocgui.core.project.pg_connection import PgConnection, Statement
from vocgui.core.project.schema import MIGRATIONS, Migration, check_version, migrate, read_version
from vocgui.core.project.store_base import ProjectStore
from vocgui.core.project.team_url import display_url, team_anchor
from vocgui.core.project.user import current_user

if TYPE_CHECKING:
    import numpy as np

#: The LISTEN/NOTIFY channel of a project's edits (one project per database).
CHANNEL = "vocgui_edits"
#: Key of the advisory lock every write (shared: label and review edits; exclusive: the
#: others) and every migration takes.
_WRITE_LOCK = 0x766F6367  # "vocg"
_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
#: NOTIFY payloads are limited to 8000 bytes: longer row lists travel as "all rows".
_MAX_PAYLOAD = 7000
#: A label or review edit's images, locked in id order (see PgStore._begin).
_LOCK_IMAGES = ("SELECT id FROM images WHERE id = ANY(%s::bigint[]) ORDER BY id "
                "FOR NO KEY UPDATE")
#: A note goes after its edit's COMMIT, in a transaction of its own (the pipeline's
#: implicit one), not inside the edit: NOTIFY makes committing transactions queue on one
#: lock held through their WAL flush, so notes inside edits would make concurrent edits
#: commit one after the other. A note-only transaction writes no WAL, so it waits for no
#: flush. A note is lost only if the connection drops between the two (and a listener
#: re-reads everything after any reconnection of its own).
_NOTE = "SELECT pg_notify(%s, %s)"
#: The note of a transaction's last edit: its edit-log id is added on the server.
_NOTE_LAST = ("SELECT pg_notify(%s, (%s::jsonb || jsonb_build_object('edit', "
              "currval(pg_get_serial_sequence('edit_log', 'id'))))::text)")
_RETRIES = 3
_RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


def runs_root() -> Path:
    """Where team projects' run folders live: ``VOCGUI_TEAM_RUNS`` (a shared folder, the
    same path on every machine), else the local data folder's ``team/``."""
    override = os.environ.get("VOCGUI_TEAM_RUNS")
    return Path(override) if override else data_dir() / "team"


def connection_error(url: str, exc: BaseException, doing: str) -> ProjectIOError:
    """The message for a server that cannot be reached, or a refused statement."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return ProjectIOError(f"{display_url(url)}: the database user may not {doing} "
                              f"({reason}); ask the database's owner for the privileges, or "
                              "open it read-only. Nothing was changed")
    if isinstance(exc, psycopg.OperationalError) and not isinstance(exc, _RETRYABLE):
        return ProjectIOError(f"{display_url(url)}: the server cannot be reached ({reason}); "
                              f"could not {doing}. Nothing was changed")
    return ProjectIOError(f"{display_url(url)}: could not {doing}: {reason}; nothing was "
                          "changed")


class PgStore(ProjectStore):
    """One project in a PostgreSQL database."""

    single_writer = False
    database_errors = (psycopg.Error,)

    def __init__(self, url: str, conn: PgConnection, read_only: bool) -> None:
        self.url = url
        self.location = url
        self.shown = display_url(url)
        self.path = team_anchor(url, runs_root())
        self.conn = conn
        self.read_only = read_only
        #: Notes of the edits committed by the current transaction (for NOTIFY).
        self._pending: list[dict] = []

    @classmethod
    def open(cls, url: str, read_only: bool = False,
             migrations: Sequence[Migration] = MIGRATIONS) -> PgStore:
        """Open the project in ``url``'s database; see :meth:`Project.open`."""
        shown = display_url(url)
        try:
            conn = PgConnection.connect(url)
        except psycopg.Error as exc:
            raise connection_error(url, exc, "open the project") from exc
        try:
            if read_only:
                conn.raw.execute("SET default_transaction_read_only = on")
            else:
                conn.raw.execute("SELECT pg_advisory_lock(%s)", (_WRITE_LOCK,))
            missing = _missing_privileges(conn, ("SELECT",) if read_only else _PRIVILEGES)
            if missing:
                raise ProjectIOError(
                    f"{shown}: the database user may not {'read' if read_only else 'edit'} "
                    f"this project (no {missing}); ask the database's owner to GRANT it"
                    f"{'' if read_only else ', or open the project read-only'}. Nothing "
                    "was changed")
            version = read_version(conn, shown)
            check_version(version, shown, latest=len(migrations) + 1)
            if not read_only:
                try:
                    migrate(conn, version, migrations)
                except pg_errors.InsufficientPrivilege as exc:
                    raise connection_error(
                        url, exc, f"upgrade the project from schema version {version} "
                        "(its owner must open it once with this vocgui)") from exc
                conn.raw.execute("SELECT pg_advisory_unlock(%s)", (_WRITE_LOCK,))
        except BaseException as exc:
            conn.close()
            if isinstance(exc, psycopg.Error):
                raise connection_error(url, exc, "open the project") from exc
            raise
        return cls(url, conn, read_only)

    @contextmanager
    def write(self, action: str, detail: dict | None,
              rows: np.ndarray | None = None) -> Iterator[PgConnection]:
        if self.read_only:
            raise ProjectIOError(f"{self.shown} is open read-only; nothing was changed")
        if self._depth:  # part of a transaction(): it commits or rolls back everything
            yield self.conn
            self._note(action, detail, self._log(action, detail))
            return
        try:
            self._begin(rows)
        except psycopg.Error as exc:
            self.conn.take_queue()
            self._rollback()
            raise connection_error(self.url, exc, f"make the edit '{action}'") from exc
        try:
            yield self.conn
            if rows is None:
                self.conn.start_queue()
            self._note(action, detail, self._log(action, detail))
            self._queue_commit()
            self._send(self.conn.take_queue(), retries=0 if rows is None else _RETRIES)
        except BaseException as exc:
            self.conn.take_queue()
            self._rollback()
            if isinstance(exc, psycopg.Error):
                raise connection_error(self.url, exc, f"save the edit '{action}'") from exc
            raise
        finally:
            self._pending = []

    def _begin(self, rows: np.ndarray | None) -> None:
        """Start the transaction: for the whole project (``rows`` None: BEGIN and the
        exclusive lock, sent now) or for the cells of ``rows`` only (queued: the shared
        lock, then those images' rows in id order, so that two edits sharing images queue
        on the first one they share, and never deadlock). A connection the server
        dropped (a restart) is replaced first: nothing of the edit has been sent yet."""
        self.conn.reconnect_if_dropped()
        self.conn.start_queue()
        self.conn.queue(Statement("BEGIN"))
        if rows is None:
            self.conn.queue(Statement("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,)))
            self._send(self.conn.take_queue())
        else:
            self.conn.queue(Statement("SELECT pg_advisory_xact_lock_shared(%s)",
                                      (_WRITE_LOCK,)))
            self.conn.queue(Statement(_LOCK_IMAGES, ([int(r) for r in rows],)))

    def _queue_commit(self) -> None:
        """Queue COMMIT, then the notes of the transaction's edits in a transaction of
        their own (see _NOTE)."""
        self.conn.execute("COMMIT")
        pid = self.conn.raw.info.backend_pid
        for note in self._pending:
            payload = json.dumps({**note, "who": current_user(), "pid": pid})
            if len(payload) > _MAX_PAYLOAD:
                payload = json.dumps({**note, "rows": None, "who": current_user(), "pid": pid})
            self.conn.queue(Statement(_NOTE if note["edit"] is not None else _NOTE_LAST,
                                      (CHANNEL, payload)))

    def _send(self, statements: list[Statement], retries: int = 0) -> None:
        """Run queued statements in one round trip. A deadlock or serialization failure
        (which the locks above should make impossible) is retried, up to ``retries``
        times, so no user sees one; statements queued from a write are all writes, so
        running them again is the same edit. A failure after the edit's COMMIT (its
        note) leaves the edit saved."""
        for attempt in range(retries + 1):
            try:
                self.conn.run(statements)
                return
            except psycopg.Error as exc:
                committed = self.conn.committed_after_error(statements)
                self._rollback()
                if committed:
                    return
                if not isinstance(exc, _RETRYABLE) or attempt == retries:
                    raise

    @property
    def backend_pid(self) -> int:
        """The server process of this store's connection (its NOTIFYs carry it)."""
        return self.conn.raw.info.backend_pid

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except psycopg.Error:
            pass  # a dropped connection: the server rolls back by itself

    def _note(self, action: str, detail: dict | None, edit_id: int | None) -> None:
        if detail is not None:
            self._pending.append({"action": action, "edit": edit_id,
                                  "rows": detail.get("rows"), "run": detail.get("run")})

    def read_error(self, exc: BaseException) -> ProjectError:
        if isinstance(exc, psycopg.Error):
            return connection_error(self.url, exc, "read the project")
        return NotAProjectError(f"{self.shown}: {exc}")

    def close(self) -> None:
        self.conn.close()


def _missing_privileges(conn: PgConnection, privileges: Sequence[str]) -> str:
    """'INSERT on labels, ...' for what the user lacks on the project's tables, or ''."""
    missing = []
    for table in sorted(conn.catalog.columns):
        for privilege in privileges:
            (held,) = conn.raw.execute("SELECT has_table_privilege(%s, %s)",
                                       (table, privilege)).fetchone()
            if not held:
                missing.append(f"{privilege} on {table}")
    return ", ".join(missing)


def has_project(conn: PgConnection) -> bool:
    """Whether the database already has a vocgui project's tables."""
    return "meta" in conn.catalog.columns


@contextmanager
def new_schema(url: str) -> Iterator[tuple[PgConnection, Path]]:
    """(connection, the project's local stand-in path) of a new project schema in
    ``url``'s database (which must hold none yet), inside a transaction for the block to
    fill; committed when the block ends, so a failure leaves the database as it was."""
    from vocgui.core.project.schema import DDL

    try:
        conn = PgConnection.connect(url)
    except psycopg.Error as exc:
        raise connection_error(url, exc, "create the project") from exc
    try:
        if has_project(conn):
            raise ProjectIOError(f"{display_url(url)} already holds a vocgui project; "
                                 "choose an empty database")
        conn.execute("BEGIN")
        conn.executescript(DDL)
        yield conn, team_anchor(url, runs_root())
        conn.execute("COMMIT")
    except psycopg.Error as exc:
        raise connection_error(url, exc, "create the project") from exc
    finally:
        with suppress(psycopg.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        conn.close()


def create_project(url: str, dataset) -> None:
    """Write a new project holding ``dataset`` into ``url``'s database (one transaction)."""
    from vocgui.core.project.building import insert_dataset

    with new_schema(url) as (conn, _anchor):
        insert_dataset(conn, dataset)
