"""``vocgui scan``: text and JSON summaries, the Keras CSV, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from voc_xml_helpers import annotation_xml, object_xml, write_voc

from vocgui.cli.main import main
from vocgui.core.voc import read_labels_csv

REPO = Path(__file__).resolve().parents[2]


def test_json_summary_of_the_sample(voc_sample: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["scan", str(voc_sample), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["images"] == 100
    assert len(summary["classes"]) == 20
    person = summary["classes"]["person"]
    assert person["images"] + person["negatives"] == 100
    assert person["objects"] >= person["images"] > 0
    assert summary["problems"] == []


def test_text_summary_lists_classes_and_every_problem(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", [object_xml("cat")]),
                                "b.xml": "<annotation>"}, ["a.jpg", "orphan.jpg"])
    assert main(["scan", str(root)]) == 0
    out = capsys.readouterr().out
    assert "images: 1" in out and "unlabeled: 1" in out and "cat" in out
    assert "malformed_xml" in out and "b.xml" in out
    assert "orphan.jpg" not in out  # an unlabeled image is a row, not a problem


def test_a_folder_with_a_project_names_it_for_the_labels_as_edited(
        tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from vocgui.core.project import Project
    from vocgui.core.project.location import project_path_for_folder

    monkeypatch.setenv("VOCGUI_DATA_DIR", str(tmp_path / "data"))
    root = write_voc(tmp_path, {"a.xml": annotation_xml("a.jpg", [object_xml("cat")])},
                     ["a.jpg", "b.jpg"])
    assert main(["scan", str(root)]) == 0
    assert capsys.readouterr().err == ""  # no project yet: nothing to name
    project = project_path_for_folder(root)
    project.parent.mkdir(parents=True)
    with Project.create_from_voc(project, root) as opened:
        opened.set_labels([1], ["dog"])  # tagged in the app: the folder's files do not say
    assert main(["scan", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "labeled images: 1   unlabeled: 1" in out
    assert f"vocgui scan {project}" in err
    assert main(["scan", str(project)]) == 0
    assert "labeled images: 2   unlabeled: 0" in capsys.readouterr().out


def test_csv_round_trip_with_awkward_class_names(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    names = ["dining table", "a, b", 'say "hi"']
    root = write_voc(tmp_path / "voc", {
        "a.xml": annotation_xml("a.jpg", [object_xml(n.replace('"', "&quot;")) for n in names]),
        "b.xml": annotation_xml("b.jpg", [object_xml("dog"), object_xml("dog", difficult=1)]),
    }, ["a.jpg", "b.jpg"])
    out_csv = tmp_path / "labels.csv"
    assert main(["scan", str(root), "--csv", str(out_csv), "--keep-repeats",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["images"] == 2
    frame = read_labels_csv(out_csv)
    assert frame["filename"].tolist() == [str(root / "JPEGImages" / "a.jpg"),
                                          str(root / "JPEGImages" / "b.jpg")]
    assert frame["labels"].tolist() == [tuple(sorted(names)), ("dog", "dog")]
    assert main(["scan", str(root), "--csv", str(out_csv), "--no-difficult"]) == 0
    assert read_labels_csv(out_csv)["labels"].tolist()[1] == ("dog",)


def test_empty_folder_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["scan", str(tmp_path / "empty")]) == 1
    captured = capsys.readouterr()
    assert "empty_dataset" in captured.out and "no images could be loaded" in captured.err


def test_python_dash_m_vocgui_scan(tmp_path: Path) -> None:
    root = write_voc(tmp_path / "voc", {"a.xml": annotation_xml("a.jpg", [object_xml("cat")])},
                     ["a.jpg"])
    ok = subprocess.run([sys.executable, "-m", "vocgui", "scan", str(root), "--json"],
                        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["classes"]["cat"]["images"] == 1
    (tmp_path / "empty").mkdir()
    empty = subprocess.run([sys.executable, "-m", "vocgui", "scan", str(tmp_path / "empty")],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert empty.returncode == 1 and "no images could be loaded" in empty.stderr
