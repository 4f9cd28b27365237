"""A run made with ``vocgui train DIR`` is in the project the app opens for DIR, and
``vocgui review DIR`` reviews it: the CLI and the app share one project per folder. The
run is started from a folder holding a decoy ``vocgui/`` package, as from a clone's
parent folder: the training child must not import it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vocgui.cli.main import main
from vocgui.core.project.location import project_path_for_folder

pytestmark = pytest.mark.slow


def test_cli_runs_appear_in_the_project_the_app_opens(demo_root, tmp_path, monkeypatch, capsys):
    from vocgui.qt.loading import open_target  # what the app's loader runs

    monkeypatch.setenv("VOCGUI_DATA_DIR", str(tmp_path / "data"))
    dataset = tmp_path / "VOCdemo"
    shutil.copytree(demo_root, dataset)
    decoy = tmp_path / "parent-of-a-clone" / "vocgui"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text('raise ImportError("the decoy vocgui was imported")')
    monkeypatch.chdir(decoy.parent)
    assert main(["train", str(dataset), "--epochs", "1", "--target-size", "32"]) == 0
    assert project_path_for_folder(dataset).is_file()

    out = tmp_path / "report"
    assert main(["review", str(dataset), "--out", str(out), "--formats", "png"]) == 0
    assert (out / "per_class.csv").is_file()
    capsys.readouterr()

    with open_target(dataset, lambda *_: None, lambda: False) as project:
        assert project.path == project_path_for_folder(dataset)
        runs = project.runs()
        assert runs["status"].tolist() == ["completed"]


def test_review_of_a_folder_never_opened_says_so(demo_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VOCGUI_DATA_DIR", str(tmp_path / "data"))
    assert main(["review", str(demo_root)]) == 2
    err = capsys.readouterr().err
    assert "has no vocgui project yet" in err and str(demo_root) in err
    assert not Path(tmp_path / "data").exists()
