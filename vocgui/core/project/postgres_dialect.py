"""SQLite's SQL as PostgreSQL's: the one place where the two dialects differ.

The project's schema (:data:`schema.DDL`), its migrations and every statement of the
edit mixins are written once, in SQLite's dialect; a project on a PostgreSQL server runs
the same text through :func:`to_postgres`. So a new migration or a new edit works on both
stores without a second copy. What is translated (outside string literals):

- types: ``INTEGER`` is 64-bit in SQLite, so ``BIGINT``; ``id INTEGER PRIMARY KEY`` (a
  rowid alias that numbers itself) ``BIGSERIAL PRIMARY KEY``, while a key named otherwise
  (``image_id``: another table's id, always given) is a plain ``BIGINT PRIMARY KEY``, so
  no sequence has to be caught up after it; ``REAL`` ``DOUBLE PRECISION``;
  ``BLOB`` ``BYTEA``; ``WITHOUT ROWID`` dropped. A table with no primary key (objects)
  gets a ``rowid BIGSERIAL PRIMARY KEY`` column, since SQLite statements address its
  rows by rowid.
- ``INSERT OR IGNORE`` as ``ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` as ``ON
  CONFLICT (primary key) DO UPDATE`` (needs the table's columns: a :class:`Catalog`).
- ``group_concat(x)`` as ``string_agg``; ``group_concat(x, char(0))`` (texts that may
  hold any character but NUL, which PostgreSQL text cannot hold at all) as ``array_agg``,
  which returns a list.
- columns named like PostgreSQL's system columns (the boxes' ``xmin``, ``xmax``), which
  no quoting frees, as :data:`COLUMN_RENAMES` says.
- ``BEGIN IMMEDIATE`` as ``BEGIN``; ``sqlite_master`` (its type and name columns) and
  ``PRAGMA table_info`` as catalog queries (which, unlike information_schema,
  also show tables the user may not read); ``?`` placeholders as ``%s``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: SQLite column name -> its name on PostgreSQL (where these are system columns).
COLUMN_RENAMES = {"xmin": "box_xmin", "xmax": "box_xmax"}
#: The only columns that number themselves on PostgreSQL (a table's ``id`` and the
#: ``rowid`` added to a table without a key); a serial default on any other column (made
#: by an older vocgui) is never used, since every insert gives that column's value.
NUMBERED_COLUMNS = ("id", "rowid")
_LITERAL = re.compile(r"('(?:[^']|'')*')")
_WORDS = [
    (re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", re.I), "id BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT\s+ROWID", re.I), ")"),
    *((re.compile(rf"\b{old}\b"), new) for old, new in COLUMN_RENAMES.items()),
    (re.compile(r"\bBEGIN\s+IMMEDIATE\b", re.I), "BEGIN"),
    (re.compile(r"\bgroup_concat\(([^(),]+),\s*char\(0\)\)", re.I), r"array_agg(\1)"),
    (re.compile(r"\bgroup_concat\(([^(),]+)\)", re.I), r"string_agg(CAST(\1 AS TEXT), ',')"),
    (re.compile(r"\bsqlite_master\b", re.I),
     "(SELECT 'table' AS type, tablename AS name FROM pg_catalog.pg_tables "
     "WHERE schemaname = current_schema()) AS sqlite_master"),
]
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(\w+)\s*\(", re.I)
_INSERT = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", re.I)
_PRAGMA_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\((\w+)\)\s*$", re.I)
_PRAGMA = re.compile(r"^\s*PRAGMA\b", re.I)


@dataclass
class Catalog:
    """What translating needs to know of the tables: columns in order, primary keys,
    and the columns that number themselves (serial)."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    primary_key: dict[str, list[str]] = field(default_factory=dict)
    serial: dict[str, str] = field(default_factory=dict)


def to_postgres(sql: str, catalog: Catalog | None = None) -> str:
    """One SQLite statement (DDL or DML, ``?`` placeholders) as PostgreSQL's."""
    info = _PRAGMA_TABLE_INFO.match(sql)
    if info:
        return ("SELECT a.attnum - 1, a.attname FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE n.nspname = current_schema() AND c.relname = '{info.group(1)}' "
                "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
    if _PRAGMA.match(sql):
        raise ValueError(f"SQLite-only statement, not run on PostgreSQL: {sql.strip()}")
    parts = _LITERAL.split(sql)
    for i in range(0, len(parts), 2):  # even parts are outside string literals
        text = parts[i].replace("%", "%%").replace("?", "%s")
        for pattern, replacement in _WORDS:
            text = pattern.sub(replacement, text)
        parts[i] = text
    out = "".join(parts)
    create = _CREATE_TABLE.match(out)
    if create and not re.search(r"\bPRIMARY\s+KEY\b", out, re.I):
        out = out[:create.end()] + "rowid BIGSERIAL PRIMARY KEY, " + out[create.end():]
    insert = _INSERT.match(out)
    if insert:
        out = _upsert(out, insert, catalog)
    return out


def sqlite_column(name: str) -> str:
    """The SQLite name of PostgreSQL column ``name`` (the inverse of COLUMN_RENAMES)."""
    return {new: old for old, new in COLUMN_RENAMES.items()}.get(name, name)


def split_script(script: str) -> list[str]:
    """The statements of a script (such as :data:`schema.DDL`); none holds a ';' literal."""
    return [s.strip() for s in script.split(";") if s.strip()]


def _upsert(sql: str, insert: re.Match, catalog: Catalog | None) -> str:
    kind, table = insert.group(1).upper(), insert.group(2)
    plain = f"INSERT INTO {table} {insert.group(3) or ''}"
    body = plain + sql[insert.end():]
    if kind == "IGNORE":
        return body.rstrip() + " ON CONFLICT DO NOTHING"
    if catalog is None or table not in catalog.primary_key:
        raise ValueError(f"INSERT OR REPLACE into {table} needs its primary key")
    columns = ([c.strip() for c in insert.group(4).split(",")] if insert.group(4)
               else catalog.columns[table])
    key = catalog.primary_key[table]
    updates = [f"{c} = EXCLUDED.{c}" for c in columns if c not in key]
    action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    return body.rstrip() + f" ON CONFLICT ({', '.join(key)}) {action}"


def inserted_table(sql: str) -> tuple[str, list[str] | None] | None:
    """(table, its column list or None when there is none) of an INSERT statement."""
    found = re.match(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)\s*(\(([^)]*)\))?", sql, re.I)
    if not found:
        return None
    columns = [c.strip() for c in found.group(3).split(",")] if found.group(3) else None
    return found.group(1), columns
