"""The project file: created from real VOC data, reopened without XML, refused when it
is not a project, newer, locked, damaged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_project import load_dataset

from vocgui.core.project import (
    SCHEMA_VERSION,
    NewerSchemaError,
    NotAProjectError,
    Project,
    ProjectIOError,
    ProjectLockedError,
)
from vocgui.core.project.schema import MIGRATIONS, migrate

LOADER_COLUMNS = ["filename", "root", "image_path", "annotation_path", "labels", "n_objects",
                  "width", "height", "depth", "segmented", "split"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def sample_copy(voc_sample: Path, tmp_path: Path) -> Path:
    """A private copy of the 100 real XMLs + JPEGs (in tmp, never in the repo)."""
    return Path(shutil.copytree(voc_sample, tmp_path / "voc"))


def test_reopen_reads_the_file_not_the_xml(sample_copy: Path, tmp_path: Path) -> None:
    dataset = load_dataset(sample_copy)
    with Project.create(tmp_path / "p.vocgui", dataset) as created:
        assert created.images[LOADER_COLUMNS].equals(dataset.images[LOADER_COLUMNS])
    shutil.rmtree(sample_copy / "Annotations")  # reopening must not need the XMLs
    with Project.open(tmp_path / "p.vocgui") as p:
        pd.testing.assert_frame_equal(p.images[LOADER_COLUMNS], dataset.images[LOADER_COLUMNS],
                                      check_dtype=False)
        assert p.classes == list(dataset.classes)
        assert set(p.images["review"]) == {"unreviewed"}
        assert set(p.images["note"]) == {""}
        pd.testing.assert_frame_equal(p.objects.reset_index(drop=True),
                                      dataset.objects.reset_index(drop=True), check_dtype=False)
        expected = np.array([[c in t for c in p.classes] for t in dataset.images["labels"]])
        np.testing.assert_array_equal(p.labels, expected)
        assert p.absolute_path(0) == sample_copy / dataset.images["image_path"][0]
        assert p.absolute_path(0).is_file()
        assert len(set(p.class_colors.values())) == len(p.classes)


def test_all_17k_real_annotations_round_trip(voc2012_annotations: Path, tmp_path: Path) -> None:
    dataset = load_dataset(voc2012_annotations)
    Project.create(tmp_path / "voc.vocgui", dataset).close()
    with Project.open(tmp_path / "voc.vocgui") as p:
        assert len(p.images) == len(dataset.images) == 17125
        pd.testing.assert_frame_equal(p.images[LOADER_COLUMNS], dataset.images[LOADER_COLUMNS],
                                      check_dtype=False)
        assert p.problems == list(dataset.problems)
        assert int(p.images["n_problems"].sum()) == sum(pr.image is not None
                                                         for pr in dataset.problems)
        assert p.labels.sum() == sum(len(set(t)) for t in dataset.images["labels"])


def test_create_refuses_an_existing_file(voc_sample: Path, tmp_path: Path) -> None:
    target = tmp_path / "p.vocgui"
    target.write_text("precious")
    with pytest.raises(ProjectIOError, match="already exists"):
        Project.create(target, load_dataset(voc_sample))
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["p.vocgui"]  # no temporary left over


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"<annotation><filename>x.jpg</filename></annotation>", "not an SQLite file"),
])
def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, content: bytes,
                                              message: str) -> None:
    path = tmp_path / "bad.vocgui"
    path.write_bytes(content)
    with pytest.raises(NotAProjectError, match=message) as err:
        Project.open(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == content


def test_another_apps_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    before = _digest(path)
    with pytest.raises(NotAProjectError, match="not a vocgui project"):
        Project.open(path)
    assert _digest(path) == before


@pytest.mark.parametrize("damage", [
    "DELETE FROM images WHERE id = 3",            # a row gone: ids no longer 0..n-1
    "DELETE FROM images WHERE id = (SELECT MAX(id) FROM images)",  # table shorter than blob
    "UPDATE image_columns SET data = x'00'",      # the stored columns unreadable
])
def test_a_project_whose_tables_disagree_is_refused(voc_sample: Path, tmp_path: Path,
                                                    damage: str) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(damage)
    conn.close()
    with pytest.raises(NotAProjectError, match="damaged") as err:
        Project.open(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("keep", [0.5, 0.2, 0.05])
def test_a_truncated_project_is_refused_with_its_name(voc_sample: Path, tmp_path: Path,
                                                      keep: float) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(NotAProjectError, match="damaged|not a readable") as err:
        Project.open(path)
    assert str(path) in str(err.value)


def test_a_newer_file_is_refused_and_left_untouched(voc_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    conn.close()
    before = _digest(path)
    with pytest.raises(NewerSchemaError) as err:
        Project.open(path)
    text = str(err.value)
    assert str(path) in text and f"version {SCHEMA_VERSION + 1}" in text
    assert f"up to {SCHEMA_VERSION}" in text
    assert _digest(path) == before
    with pytest.raises(NewerSchemaError):
        Project.open(path, read_only=True)


def test_forward_migrations_run_in_order_once(voc_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()

    def add_tags_table(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE tags (name TEXT)")

    def seed_tags(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO tags VALUES ('from v3')")

    # The real migrations first, then two more: versions ... -> N+1 -> N+2.
    migrations = [*MIGRATIONS, add_tags_table, seed_tags]
    last = len(migrations) + 1
    with Project.open(path, migrations=migrations) as p:
        assert len(p.images) == 100
    with Project.open(path, migrations=migrations) as p:  # second open: nothing to do
        rows = p._store.conn.execute("SELECT name FROM tags").fetchall()
        version = p._store.conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert rows == [("from v3",)] and version == str(last)
    with pytest.raises(NewerSchemaError):  # this vocgui (an older schema) refuses it now
        Project.open(path)
    conn = sqlite3.connect(path)
    assert migrate(conn, last, migrations) == last
    conn.close()


def _open_in_child(path: Path, read_only: bool) -> subprocess.CompletedProcess:
    code = textwrap.dedent(f"""
        from vocgui.core.project import Project, ProjectLockedError
        try:
            p = Project.open({str(path)!r}, read_only={read_only})
        except ProjectLockedError as exc:
            print("LOCKED", exc)
        else:
            print("OPEN", len(p.images), p.labels_of(0))
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)


def test_a_second_process_is_told_it_is_open_elsewhere(voc_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.vocgui"
    with Project.create(path, load_dataset(voc_sample)) as p:
        p.set_labels([0], ["edited while open"])
        before = _digest(path)
        locked = _open_in_child(path, read_only=False)
        assert locked.stdout.startswith("LOCKED")
        assert str(path) in locked.stdout and f"pid {os.getpid()}" in locked.stdout
        reader = _open_in_child(path, read_only=True)  # a reader works alongside
        assert reader.stdout.split(" ", 2)[:2] == ["OPEN", "100"]
        assert "edited while open" in reader.stdout
        assert _digest(path) == before
        with pytest.raises(ProjectLockedError, match="this process"):
            Project.open(path)
    assert _open_in_child(path, read_only=False).stdout.startswith("OPEN")  # lock released


def test_a_read_only_project_refuses_edits(voc_sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.vocgui"
    Project.create(path, load_dataset(voc_sample)).close()
    with Project.open(path, read_only=True) as p:
        with pytest.raises(ProjectIOError, match="read-only"):
            p.add_label([0], "dog")
        assert "dog" not in p.labels_of(0)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProjectIOError, match="no such project file") as err:
        Project.open(tmp_path / "nope.vocgui")
    assert "nope.vocgui" in str(err.value)


def test_an_empty_dataset_makes_an_empty_project(tmp_path: Path) -> None:
    (tmp_path / "empty" / "Annotations").mkdir(parents=True)
    (tmp_path / "empty" / "JPEGImages").mkdir()
    dataset = load_dataset(tmp_path / "empty")
    Project.create(tmp_path / "p.vocgui", dataset).close()
    with Project.open(tmp_path / "p.vocgui") as p:
        assert len(p.images) == 0 and p.labels.shape == (0, 0)
        assert [pr.kind for pr in p.problems] == [pr.kind for pr in dataset.problems]
        p.add_class("first")
        assert p.labels.shape == (0, 1) and p.snapshot().frame.empty
