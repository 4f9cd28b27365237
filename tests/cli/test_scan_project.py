"""``vocgui scan`` takes a project file as well as a dataset folder: the summary is of the
project's labels as edited."""

from __future__ import annotations

import json

import numpy as np

from vocgui.cli.main import main
from vocgui.core.project import Project
from vocgui.core.voc import read_labels_csv


def test_scan_of_a_project_file_shows_its_edits(demo_root, tmp_path, capsys):
    assert main(["scan", "--json", str(demo_root)]) == 0
    from_folder = json.loads(capsys.readouterr().out)
    path = tmp_path / "demo.vocgui"
    with Project.create_from_voc(path, demo_root) as project:
        n = len(project.images)
        project.add_label(np.arange(n), "everything")
        # The app holding the project for editing does not stop a scan.
        assert main(["scan", "--json", "--csv", str(tmp_path / "labels.csv"), str(path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["images"] == from_folder["images"] == n
    assert summary["classes"]["everything"]["images"] == n
    assert set(summary["classes"]) == set(from_folder["classes"]) | {"everything"}
    frame = read_labels_csv(tmp_path / "labels.csv")
    assert all("everything" in labels for labels in frame["labels"])


def test_scan_of_a_broken_project_file_names_it(tmp_path, capsys):
    bad = tmp_path / "bad.vocgui"
    bad.write_text("not a project")
    assert main(["scan", str(bad)]) == 1
    assert str(bad) in capsys.readouterr().err
