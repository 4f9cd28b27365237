"""PgConnection.run on a real server: one text for one-row statements, one pipeline for
a batch with an executemany; either way, after a failure, whether the COMMIT went
through is known, and values reach the server unchanged."""

from __future__ import annotations

import psycopg
import pytest

from vocgui.core.project.pg_connection import PgConnection, Statement

#: Values a label name, a note or an edit's JSON detail may hold.
HOSTILE = ["it's", "back\\slash", "per%cent %s %%", "quote\" and '' two", "ünï  €",
           "line\nbreak", "; DROP TABLE t; --", "$$dollar$$", "E'x'", ""]


@pytest.fixture
def conn(pg_url):
    connection = PgConnection.connect(pg_url)
    connection.raw.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text, x float8)")
    yield connection
    connection.close()


def _ids(conn: PgConnection) -> list[int]:
    return [row[0] for row in conn.raw.execute("SELECT id FROM t ORDER BY id")]


@pytest.mark.parametrize("many", [False, True], ids=["one text", "pipeline"])
def test_a_failure_after_commit_leaves_the_edit_and_says_so(conn, many):
    rows = [(1, "a"), (2, "b")]
    insert = (Statement("INSERT INTO t (id, name) VALUES (%s, %s)", rows, True) if many
              else Statement("INSERT INTO t (id, name) VALUES (%s, %s)", rows[0]))
    statements = [Statement("BEGIN"), insert, Statement("COMMIT"),
                  Statement("SELECT 1 / %s", (0,))]
    with pytest.raises(psycopg.errors.DivisionByZero):
        conn.run(statements)
    assert conn.committed_after_error(statements)
    assert _ids(conn) == ([1, 2] if many else [1])


@pytest.mark.parametrize("many", [False, True], ids=["one text", "pipeline"])
def test_a_failure_before_commit_runs_nothing_after_it(conn, many):
    rows = [(1, "a"), (2, "b")]
    insert = (Statement("INSERT INTO t (id, name) VALUES (%s, %s)", rows, True) if many
              else Statement("INSERT INTO t (id, name) VALUES (%s, %s)", rows[0]))
    statements = [Statement("BEGIN"), insert, Statement("SELECT 1 / %s", (0,)),
                  Statement("INSERT INTO t (id, name) VALUES (%s, %s)", (9, "after")),
                  Statement("COMMIT")]
    with pytest.raises(psycopg.errors.DivisionByZero):
        conn.run(statements)
    assert not conn.committed_after_error(statements)
    conn.raw.execute("ROLLBACK")
    assert _ids(conn) == []


def test_values_reach_the_server_as_they_were_given(conn):
    statements = [Statement("BEGIN")]
    statements += [Statement("INSERT INTO t (id, name, x) VALUES (%s, %s, %s)",
                             (i, text, [0.5, float("nan"), None, -1e300, 2][i % 5]))
                   for i, text in enumerate(HOSTILE)]
    statements += [Statement("INSERT INTO t (id, name) SELECT 100 + i, %s FROM "
                             "unnest(%s::bigint[]) AS i", ("array", [3, 1, 2])),
                   Statement("INSERT INTO t (id, name) VALUES (%s, 'a %% in the text')",
                             (200,)),
                   Statement("INSERT INTO t (id, name, x) VALUES (201, 'minus', 1 -%s)",
                             (-5,)),
                   Statement("COMMIT")]
    conn.run(statements)
    got = dict(conn.raw.execute("SELECT id, name FROM t WHERE id < 100").fetchall())
    assert got == dict(enumerate(HOSTILE))
    floats = [row[0] for row in conn.raw.execute("SELECT x FROM t WHERE id < 5 ORDER BY id")]
    assert floats[0] == 0.5 and floats[1] != floats[1] and floats[2] is None
    assert floats[3:] == [-1e300, 2]
    assert _ids(conn)[-5:] == [101, 102, 103, 200, 201]
    assert conn.raw.execute("SELECT x FROM t WHERE id = 201").fetchone()[0] == 6
    assert conn.raw.execute("SELECT name FROM t WHERE id = 200").fetchone()[0] == (
        "a % in the text")
    assert conn._binds_here("... LIKE 'x%%' AND id = %s")  # one text, not a pipeline
    assert not conn._binds_here("... %(name)s") and not conn._binds_here("... %b")


def test_a_lost_connection_is_never_taken_for_a_commit(conn, pg_url):
    statements = [Statement("BEGIN"),
                  Statement("INSERT INTO t (id, name) VALUES (%s, %s)", (1, "a")),
                  Statement("SELECT pg_terminate_backend(pg_backend_pid())"),
                  Statement("COMMIT")]
    with pytest.raises(psycopg.OperationalError):
        conn.run(statements)
    assert not conn.committed_after_error(statements)
    with psycopg.connect(pg_url) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 0
