"""A project on a real PostgreSQL server (tests/pg_cluster.py): the same Python API as a
file, its schema from the same DDL and migrations, version and privilege checks."""

from __future__ import annotations

import threading
import time

import numpy as np
import psycopg
import pytest
from helpers_project import load_dataset, project_state

from vocgui.core.project import NewerSchemaError, Project, ProjectIOError
from vocgui.core.project.commands import (
    AddLabel,
    MergeClasses,
    RenameClass,
    SaveThresholds,
    UndoStack,
)
from vocgui.core.project.postgres_dialect import to_postgres
from vocgui.core.project.schema import MIGRATIONS, SCHEMA_VERSION


@pytest.fixture(scope="module")
def demo_dataset(demo_root):
    return load_dataset(demo_root)


def _edit_everything(project: Project) -> None:
    stack = UndoStack()
    stack.push(AddLabel(project, [0, 1, 2], "zebra"))
    stack.push(RenameClass(project, project.classes[0], "renamed"))
    stack.push(MergeClasses(project, [project.classes[1], project.classes[2]], "merged"))
    stack.undo()
    project.set_review([3, 4], "flagged", "check the box")
    project.set_splits([5], ["excluded"])
    run = project.create_run({"epochs": 1}, project.snapshot())
    project.log_epoch(run, 1, {"loss": 0.5})
    project.save_predictions(run, np.arange(4), project.classes,
                             np.linspace(0, 1, 4 * len(project.classes)).reshape(4, -1),
                             split="all", in_sample=np.array([1, 0, 1, 0], bool),
                             features="features.npy")
    project.finish_run(run, "completed", "/models/model.keras")


def test_a_team_project_keeps_every_edit_like_a_file(pg_url, demo_dataset, tmp_path,
                                                     monkeypatch):
    monkeypatch.setenv("VOCGUI_USER", "ann")
    monkeypatch.setenv("VOCGUI_TEAM_RUNS", str(tmp_path / "runs"))
    on_file = Project.create(tmp_path / "p.vocgui", demo_dataset)
    on_server = Project.create(pg_url, demo_dataset)
    assert on_server.is_team and not on_file.is_team
    for project in (on_file, on_server):
        _edit_everything(project)
    expected = project_state(on_file)
    assert project_state(on_server) == expected
    on_server.close()
    with Project.open(pg_url, read_only=True) as again:
        assert project_state(again) == expected
        assert again.images.equals(on_file.images)
        log = again.edit_log()
        assert set(log["who"]) == {"ann"}
        assert log["action"].tolist() == on_file.edit_log()["action"].tolist()
        runs = again.runs()
        assert runs["status"].tolist() == ["completed"] and runs["n_epochs"].tolist() == [1]
        mine, theirs = again.predictions(1, "all"), on_file.predictions(1, "all")
        assert np.array_equal(mine.scores, theirs.scores)
        assert np.array_equal(mine.in_sample, theirs.in_sample)
        assert mine.features == "features.npy"
        assert again.path.parent == tmp_path / "runs"
        with pytest.raises(ProjectIOError, match="read-only"):
            again.add_label([0], "dog")
    on_file.close()


def test_the_schema_is_the_sqlite_ddl_translated():
    assert "BYTEA" in to_postgres("ALTER TABLE predictions ADD COLUMN in_sample BLOB")
    assert to_postgres("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)") == \
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, n BIGINT)"
    assert "rowid BIGSERIAL PRIMARY KEY" in to_postgres("CREATE TABLE o (name TEXT)")
    # another table's id, always given: no sequence to catch up after each insert
    assert to_postgres("CREATE TABLE e (image_id INTEGER PRIMARY KEY)") == \
        "CREATE TABLE e (image_id BIGINT PRIMARY KEY)"
    assert to_postgres("SELECT 'a?b%', ? FROM t") == "SELECT 'a?b%', %s FROM t"


def test_an_old_team_project_is_migrated_and_a_newer_one_refused(pg_url, demo_dataset):
    with Project.create(pg_url, demo_dataset) as project:
        project.add_label([7], "zebra")
    with psycopg.connect(pg_url, autocommit=True) as conn:  # back to schema 3
        conn.execute("ALTER TABLE predictions DROP COLUMN in_sample")
        conn.execute("ALTER TABLE predictions DROP COLUMN features")
        for table in ("image_edits", "claims", "agreement_images", "agreement_labels",
                      "run_thresholds"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with Project.open(pg_url, read_only=True) as old:  # read-only: never migrated
        assert len(old.images) == len(demo_dataset.images)
    Project.open(pg_url).close()  # migration 4 ran on the server, translated
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                            ).fetchone() == (str(SCHEMA_VERSION),)
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'predictions'")}
        assert {"in_sample", "features"} <= columns
        # schema 5's migration ran too, attributing the older edit from the log
        assert conn.execute("SELECT image_id FROM image_edits").fetchall() == [(7,)]
        conn.execute(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' "
                     "WHERE key = 'schema_version'")
        before = conn.execute("SELECT COUNT(*) FROM edit_log").fetchone()
    with pytest.raises(NewerSchemaError, match="newer vocgui.*not changed"):
        Project.open(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM edit_log").fetchone() == before
    assert len(MIGRATIONS) == SCHEMA_VERSION - 1


def test_a_user_without_privileges_is_told_and_nothing_changes(pg_url, demo_dataset):
    Project.create(pg_url, demo_dataset).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE viewer LOGIN")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer")
    viewer = pg_url.replace("vocgui@", "viewer@", 1)
    with pytest.raises(ProjectIOError, match="may not edit.*INSERT on labels.*read-only"):
        Project.open(viewer)
    with Project.open(viewer, read_only=True) as project:  # reading needs SELECT only
        assert len(project.images) == len(demo_dataset.images)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE nobody_else LOGIN")
    with pytest.raises(ProjectIOError, match="may not read"):
        Project.open(pg_url.replace("vocgui@", "nobody_else@", 1), read_only=True)


def test_an_unreachable_server_and_an_empty_database_are_named(pg_url, tmp_path):
    dead = f"postgresql://vocgui@/nothing?host={tmp_path}"
    with pytest.raises(ProjectIOError, match="cannot be reached"):
        Project.open(dead)
    with pytest.raises(Exception, match="not a vocgui project"):
        Project.open(pg_url)


def test_the_team_api_runs_on_the_server_unchanged(pg_url, demo_unlabeled_root):
    """Claims, last editors, the agreement sample and per-cell undo (written for SQLite)
    on PostgreSQL, through the same translation."""
    from vocgui.core.evaluation.agreement import agreement_report
    from vocgui.core.project.user import set_user

    project = Project.create(pg_url, load_dataset(demo_unlabeled_root))
    try:
        set_user("ann")
        claimed = project.claim_next(3)
        assert len(claimed) == 3 and project.claimed_rows("mine").tolist() == sorted(claimed)
        stack = UndoStack()
        stack.push(AddLabel(project, [1], "zebra"))
        assert project.last_editors().iat[1] == "ann"
        (row,) = project.add_to_agreement(1, seed=0)
        project.set_agreement_labels(int(row), ["zebra"])
        set_user("bob")
        project.set_agreement_labels(int(row), [])
        assert agreement_report(project.agreement_labels()).overall.only_a == 1
        assert project.editors_since(0, [1]) == {1: "ann"}
        stack.undo()
        assert "zebra" not in project.labels_of(1)
        run = project.create_run({}, project.snapshot())  # thresholds saved, then undone
        stack.push(SaveThresholds(project, run, {"zebra": 0.25}))
        assert project.saved_thresholds(run) == {"zebra": 0.25}
        stack.undo()
        assert project.saved_thresholds(run) is None
    finally:
        set_user(None)
        project.close()


def test_a_label_edit_the_server_cannot_serialise_is_run_again_unseen(pg_url, voc_sample):
    """The server reports a real serialization failure: the database runs at REPEATABLE
    READ here, and another session updates image 5 while the edit waits for that row.
    The store runs the edit again (a user never sees the failure); it is logged once."""
    Project.create(pg_url, load_dataset(voc_sample)).close()
    database = psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" SET default_transaction_isolation '
                      "= 'repeatable read'")
    with Project.open(pg_url) as project, psycopg.connect(pg_url) as other:
        project.add_class("zebra")  # a known class: the edit is a cell edit, rows locked
        other.execute("UPDATE images SET note = 'from another session' WHERE id = 5")
        failures: list[BaseException] = []

        def edit() -> None:
            try:
                project.add_label([3, 5], "zebra")
            except BaseException as exc:  # noqa: BLE001 - the test reports it below
                failures.append(exc)

        editing = threading.Thread(target=edit)
        editing.start()
        while not other.execute("SELECT count(*) FROM pg_locks WHERE NOT granted"
                                ).fetchone()[0]:  # the edit waits for image 5's row
            time.sleep(0.01)
        other.commit()  # its snapshot now predates this update: a serialization failure
        editing.join(timeout=30)
        assert failures == [] and "zebra" in project.labels_of(5)
        assert project.images["note"].iat[5] == ""  # memory: apply_remote's job
        log = project.edit_log()
        assert (log["action"] == "add_label").sum() == 1
    with Project.open(pg_url, read_only=True) as again:
        assert "zebra" in again.labels_of(3) and again.images["note"].iat[5] != ""
