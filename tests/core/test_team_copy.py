"""`vocgui project copy` between a file and a real PostgreSQL server, both ways: every
table comes back equal, row for row, run files included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset, project_state

from vocgui.cli.main import main
from vocgui.core.duplicates.cache import refresh_hashes
from vocgui.core.project import Project, ProjectIOError
from vocgui.core.project.commands import AddLabel, DeleteClass, UndoStack
from vocgui.core.project.copying import table_columns
from vocgui.core.project.runs import run_folder


def _tables(path) -> dict[str, list[tuple]]:
    """Every row of every table of a project file, sorted, run-folder paths made relative."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table, columns in table_columns(conn).items():
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            out[table] = sorted(tuple(str(v).split(".runs/")[-1] if isinstance(v, str) and
                                      ".runs/" in v else v for v in r) for r in rows)
        return out
    finally:
        conn.close()


def test_a_project_goes_to_the_server_and_back_unchanged(pg_url, demo_root, tmp_path,
                                                         monkeypatch, capsys):
    monkeypatch.setenv("VOCGUI_TEAM_RUNS", str(tmp_path / "team"))
    original = tmp_path / "original.vocgui"
    with Project.create(original, load_dataset(demo_root)) as project:
        stack = UndoStack()
        stack.push(AddLabel(project, [0, 5, 9], "zebra"))
        stack.push(DeleteClass(project, project.classes[1]))
        stack.undo()  # object names restored by rowid: the rowids must survive the copy
        project.set_review([1, 2], "reviewed", "ok")
        project.add_label([3], "ünïcode 'quoted' %s ?")
        cache, hashed = refresh_hashes(project.absolute_paths(), project.image_hash_cache(),
                                       workers=1)
        project.save_image_hashes(hashed, cache)
        run = project.create_run({"epochs": 2}, project.snapshot())
        folder = run_folder(project.path, run)
        folder.mkdir(parents=True)
        (folder / "model.keras").write_bytes(b"model bytes")
        project.save_predictions(run, np.arange(3), project.classes,
                                 np.full((3, len(project.classes)), 0.25), split="all",
                                 in_sample=np.array([1, 0, 1], bool),
                                 features=str(folder / "features.npy"))
        project.finish_run(run, "completed", str(folder / "model.keras"))
        project.save_thresholds(run, {project.classes[0]: 0.375, "ünïcode": 0.125})
        expected_state = project_state(project)

    assert main(["project", "copy", str(original), pg_url]) == 0
    assert "copied" in capsys.readouterr().out
    with Project.open(pg_url, read_only=True) as on_server:
        assert project_state(on_server) == expected_state
        assert on_server.saved_thresholds(1) == {on_server.classes[0]: 0.375, "ünïcode": 0.125}
        model = on_server.run(1)["model_path"]
        assert model.startswith(str(tmp_path / "team"))
        assert Path(model).read_bytes() == b"model bytes"
    back = tmp_path / "back.vocgui"
    assert main(["project", "copy", pg_url, str(back)]) == 0
    assert _tables(back) == _tables(original)
    with Project.open(back) as again:
        assert project_state(again) == expected_state
        again.add_class("after the copy")  # ids continue where the copy left them


def test_a_copy_never_overwrites(pg_url, demo_root, tmp_path, capsys):
    original = tmp_path / "p.vocgui"
    Project.create(original, load_dataset(demo_root)).close()
    assert main(["project", "copy", str(original), pg_url]) == 0
    assert main(["project", "copy", str(original), pg_url]) == 2
    assert "already holds a vocgui project" in capsys.readouterr().err
    assert main(["project", "copy", pg_url, str(original)]) == 2
    with pytest.raises(ProjectIOError, match="already exists"):
        from vocgui.core.project.copying import copy_project
        copy_project(pg_url, original)
