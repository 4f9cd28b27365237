"""A psycopg 3 connection that takes the project's SQLite-dialect SQL (see
:mod:`.postgres_dialect`) and answers like ``sqlite3``: the thin adapter that lets every
edit mixin run unchanged on a PostgreSQL server.

Autocommit, with the store issuing BEGIN/COMMIT itself (as ``sqlite3`` with
``isolation_level=None``). Two SQLite habits need help here: ``cursor.lastrowid`` (an
INSERT into a table whose ``id`` numbers itself gets ``RETURNING id``), and explicit ids
(an INSERT that gives an id itself leaves the table's sequence behind, so before COMMIT
the sequences of such tables are moved past the largest id, as SQLite would number).

Queued statements (:meth:`PgConnection.start_queue`): a write that reads nothing back
(a label or review edit) is queued and sent with its BEGIN, locks, log entry and COMMIT
in one round trip, not one per statement: under load, each round trip is a wait for the
scheduler. Statements of one parameter tuple each (a one-image edit) travel as one text
(the simple query protocol), their values written in as literals by libpq's
PQescapeLiteral: a third of the editor's CPU per edit less than psycopg's pipeline
mode, which is the CPU that 8 editors on 2 cores queue for. A batch holding an
executemany (a bulk edit) goes through one pipeline, where its rows are prepared once.
"""

from __future__ import annotations

import re
import select
from collections.abc import Iterable, Sequence
from contextlib import suppress
from typing import Any, NamedTuple

import psycopg
from psycopg import pq, sql

from vocgui.core.project.postgres_dialect import (
    NUMBERED_COLUMNS,
    Catalog,
    inserted_table,
    split_script,
    to_postgres,
)

_DDL = re.compile(r"^\s*(CREATE|ALTER|DROP)\b", re.I)
#: ``%s`` and ``%%``, the only placeholders :meth:`PgConnection.run` binds itself.
_PLAIN_PLACEHOLDER = re.compile(r"%[s%]")
_CATALOG_SQL = """
SELECT c.relname, a.attname,
       pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%' AS serial,
       COALESCE(a.attnum = ANY (i.indkey), false) AS in_key
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind = 'r'
ORDER BY c.relname, a.attnum
"""


class Statement(NamedTuple):
    """One queued statement, in PostgreSQL's dialect: ``params`` is one parameter tuple,
    or (``many``) a list of them."""

    sql: str
    params: Any = ()
    many: bool = False


class PgCursor:
    """A psycopg cursor with sqlite3's ``lastrowid``; None for a queued statement, whose
    results nobody may read (they do not exist yet)."""

    def __init__(self, cursor: psycopg.Cursor | None, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid

    def _results(self) -> psycopg.Cursor:
        if self._cursor is None:
            raise RuntimeError("a queued statement has no results: read nothing back inside "
                               "a queued write (see PgConnection.start_queue)")
        return self._cursor

    @property
    def rowcount(self) -> int:
        """Rows the statement(s) changed; 0 for an executemany of nothing, as in sqlite3."""
        return max(self._results().rowcount, 0)

    def fetchone(self) -> tuple | None:
        return self._results().fetchone()

    def fetchall(self) -> list[tuple]:
        return self._results().fetchall()

    def __iter__(self):
        return iter(self._results())


class PgConnection:
    """``execute``/``executemany``/``executescript`` in SQLite's dialect over ``raw``."""

    def __init__(self, raw: psycopg.Connection, url: str) -> None:
        self.raw = raw
        self.url = url
        self._catalog: Catalog | None = None
        self._translated: dict[str, tuple[str, str | None, str | None]] = {}
        self._behind: set[str] = set()  # tables whose sequence an explicit id left behind
        self._queue: list[Statement] | None = None  # see start_queue
        self._plain: dict[str, bool] = {}  # see _binds_here
        #: (the connection it is for, its escaping, its encoding): see _escaping
        self._escaper: tuple[psycopg.Connection, pq.Escaping, str] | None = None

    @classmethod
    def connect(cls, url: str, timeout: float = 10) -> PgConnection:
        """Connect to ``url`` (psycopg.OperationalError if the server cannot be reached)."""
        return cls(_connect(url, timeout), url)

    def reconnect_if_lost(self) -> None:
        """Outside a transaction, replace a connection the server dropped (restarted,
        network gone) by a new one; psycopg.OperationalError if it cannot be made."""
        if self.raw.broken or self.raw.closed:
            self.raw = _connect(self.url, 5)

    def reconnect_if_dropped(self) -> None:
        """Before a transaction's first statement: replace a connection the server has
        closed meanwhile (a restart). Its socket is readable only then (a FATAL message,
        end of file), so a live connection costs one poll, not a round trip."""
        if not (self.raw.broken or self.raw.closed) and select.select(
                [self.raw.fileno()], [], [], 0)[0]:
            # it was dropped: this marks it broken, and it is replaced below
            with suppress(psycopg.OperationalError):
                self.raw.execute("SELECT 1")
        self.reconnect_if_lost()

    def start_queue(self) -> None:
        """From now on, ``execute``/``executemany`` only queue their statement (for
        :meth:`take_queue` and :meth:`run`); their cursors have no results."""
        self._queue = []

    def queue(self, statement: Statement) -> None:
        """Queue a statement already in PostgreSQL's dialect."""
        assert self._queue is not None, "start_queue() first"
        self._queue.append(statement)

    def take_queue(self) -> list[Statement]:
        """The queued statements; statements run at once again from now on."""
        queued, self._queue = self._queue or [], None
        return queued

    def run(self, statements: Sequence[Statement]) -> None:
        """Send ``statements`` in one round trip and wait for them all (see the module's
        docstring for how). On an error the server has run the statements before the
        failing one and none after it; :meth:`committed_after_error` says whether a
        COMMIT among them went through."""
        if any(s.many or not self._binds_here(s.sql) for s in statements):
            with self.raw.pipeline():
                for statement in statements:
                    cursor = self.raw.cursor()
                    if statement.many:
                        cursor.executemany(statement.sql, statement.params)
                    else:
                        cursor.execute(statement.sql, statement.params)
            return
        self.raw.execute(";\n".join(s.sql % tuple(map(self._literal, s.params))
                                    for s in statements))

    def _binds_here(self, sql: str) -> bool:
        """Whether ``sql`` has no placeholder but ``%s`` and ``%%`` (as Python's ``%``
        formatting reads them, so does psycopg); cached per statement text."""
        found = self._plain.get(sql)
        if found is None:
            found = self._plain[sql] = "%" not in _PLAIN_PLACEHOLDER.sub("", sql)
        return found

    def committed_after_error(self, statements: Sequence[Statement]) -> bool:
        """After :meth:`run` of ``statements`` raised: whether their COMMIT went through.
        It did when the connection is alive and outside any transaction (a failure
        before the COMMIT leaves the transaction open and failed; a lost connection
        leaves it unknown, and the server rolls back what it had not committed)."""
        return (any(s.sql == "COMMIT" for s in statements) and not self.raw.broken
                and self.raw.info.transaction_status == pq.TransactionStatus.IDLE)

    def _literal(self, value: Any) -> str:
        """``value`` as an SQL literal: ints, strings and lists of ints (an edit's image
        ids) the fast way, as nearly every edit holds only those; anything else as
        psycopg writes it on the client side."""
        if type(value) is int:
            # a space before a minus: "x -%s" must not become the comment "x --5"
            return str(value) if value >= 0 else f" {value}"
        if type(value) is str:
            # standard_conforming_strings or not, PQescapeLiteral writes a valid literal
            escaping, encoding = self._escaping
            return escaping.escape_literal(value.encode(encoding)).decode(encoding)
        if type(value) is list and all(type(v) is int for v in value):
            return "'{" + ",".join(map(str, value)) + "}'"
        return sql.Literal(value).as_string(self.raw)

    @property
    def _escaping(self) -> tuple[pq.Escaping, str]:
        """libpq's escaping for the current connection, and its encoding."""
        if self._escaper is None or self._escaper[0] is not self.raw:
            self._escaper = (self.raw, pq.Escaping(self.raw.pgconn), self.raw.info.encoding)
        return self._escaper[1:]

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            catalog = Catalog()
            for table, column, serial, in_key in self.raw.execute(_CATALOG_SQL):
                catalog.columns.setdefault(table, []).append(column)
                if in_key:
                    catalog.primary_key.setdefault(table, []).append(column)
                if serial and column in NUMBERED_COLUMNS:
                    catalog.serial[table] = column
            self._catalog = catalog
        return self._catalog

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        word = sql.strip().upper()
        if word.startswith(("SELECT", "BEGIN")):  # a read or a new transaction
            self.reconnect_if_lost()
        if word == "COMMIT":
            self._catch_up_sequences()
        elif word == "ROLLBACK":  # nothing of the transaction is left to catch up
            self._behind.clear()
        translated, returning, behind = self._translate(sql)
        if self._queue is not None:
            self._queue.append(Statement(translated, tuple(params)))
            self._after(sql, behind)
            return PgCursor(None)
        cursor = self.raw.execute(translated + (returning or ""), tuple(params))
        self._after(sql, behind)
        lastrowid = None
        if returning:
            row = cursor.fetchone()
            lastrowid = row[0] if row else None
        return PgCursor(cursor, lastrowid)

    def executemany(self, sql: str, seq_of_params: Iterable[Sequence[Any]]) -> PgCursor:
        translated, _, behind = self._translate(sql)
        params = [tuple(p) for p in seq_of_params]
        if self._queue is not None:
            if params:  # one row: a plain statement, not a nested pipeline
                many = len(params) > 1
                self._queue.append(Statement(translated, params if many else params[0], many))
                self._after(sql, behind)
            return PgCursor(None)
        cursor = self.raw.cursor()
        if len(params) == 1:  # one round trip, without setting up a pipeline
            cursor.execute(translated, params[0])
        elif params:
            cursor.executemany(translated, params)
        self._after(sql, behind)
        return PgCursor(cursor)

    def executescript(self, script: str) -> None:
        for statement in split_script(script):
            self.execute(statement)

    def close(self) -> None:
        self.raw.close()

    def _translate(self, sql: str) -> tuple[str, str | None, str | None]:
        """(PostgreSQL text, ' RETURNING id' or None, table whose sequence it leaves
        behind or None), cached per statement text."""
        found = self._translated.get(sql)
        if found is None:
            ddl = bool(_DDL.match(sql))
            catalog = None if ddl else self.catalog
            returning = behind = None
            target = None if ddl else inserted_table(sql)
            if target is not None:
                table, columns = target
                serial = catalog.serial.get(table)
                if serial == "id" and "RETURNING" not in sql.upper():
                    returning = " RETURNING id"
                if serial and (columns is None or serial in columns):
                    behind = table
            found = (to_postgres(sql, catalog), returning, behind)
            if not ddl:
                self._translated[sql] = found
        return found

    def _after(self, sql: str, behind: str | None) -> None:
        if behind:
            self._behind.add(behind)
        if _DDL.match(sql):  # tables or columns changed: translate afresh
            self._catalog = None
            self._translated.clear()

    def _catch_up_sequences(self) -> None:
        for table in sorted(self._behind):
            column = self.catalog.serial[table]
            sql = (f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                   f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")
            if self._queue is not None:
                self._queue.append(Statement(sql))
            else:
                self.raw.execute(sql)
        self._behind.clear()


def _connect(url: str, timeout: float) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)),
                           application_name="vocgui")
