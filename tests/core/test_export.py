"""Exports (CSV, JSON lines, VOC ImageSets) and the CSV label import; the dataset itself is
never written to."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers_project import folder_fingerprint, load_dataset, project_state

from vocgui.core.project import Project
from vocgui.core.project.commands import UndoStack
from vocgui.core.project.errors import ExportError
from vocgui.core.project.export import export_csv, export_jsonl, export_voc_imagesets
from vocgui.core.project.label_import import plan_label_import
from vocgui.core.voc import read_labels_csv

AWKWARD = ["with space", "comma, inside", 'quote " inside', "apostrophe's", "[bracket]", "ünï"]


@pytest.fixture()
def project(voc_sample: Path, tmp_path: Path):
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        yield p


def test_csv_export_reads_back_losslessly(project: Project, tmp_path: Path) -> None:
    for i, name in enumerate(AWKWARD):
        project.add_label([i, 10 + i], name)
    project.set_labels([30], [])
    out = export_csv(project, tmp_path / "labels.csv")
    back = read_labels_csv(out)
    assert back["filename"].tolist() == project.absolute_paths()
    assert back["labels"].tolist() == project.images["labels"].tolist()
    assert back["split"].tolist() == project.images["split"].tolist()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_jsonl_export_has_one_object_per_image(project: Project, tmp_path: Path) -> None:
    project.set_review([4], "flagged", note="odd crop")
    lines = (tmp_path / "x.jsonl").write_text("old") and export_jsonl(project, tmp_path / "x.jsonl")
    records = [json.loads(line) for line in Path(lines).read_text().splitlines()]
    assert len(records) == 100
    assert records[4]["review"] == "flagged" and records[4]["note"] == "odd crop"
    assert records[4]["labels"] == list(project.labels_of(4))
    assert records[4]["path"] == str(project.absolute_path(4))


def test_voc_imagesets_match_the_official_files(voc2012_annotations: Path,
                                                tmp_path: Path) -> None:
    with Project.create(tmp_path / "voc.vocgui", load_dataset(voc2012_annotations)) as p:
        out = export_voc_imagesets(p, tmp_path / "export")
    official = voc2012_annotations / "ImageSets" / "Main"
    for name in ["aeroplane", "person", "tvmonitor"]:
        for split in ("train", "val", "trainval"):
            ours = (out / "ImageSets" / "Main" / f"{name}_{split}.txt").read_text().splitlines()
            theirs = (official / f"{name}_{split}.txt").read_text().splitlines()
            # Official files mark images whose only objects of the class are 'difficult' with
            # 0; vocgui keeps difficult objects as labels, so those are positives here.
            assert ours == [line.replace(" 0", " 1") for line in theirs]
    assert (out / "ImageSets" / "Main" / "train.txt").read_text().splitlines() == \
        (official / "train.txt").read_text().splitlines()


def test_voc_export_refuses_dataset_roots_and_used_folders(project: Project,
                                                           tmp_path: Path) -> None:
    root = Path(project.roots[0])
    with pytest.raises(ExportError, match="inside the dataset folder"):
        export_voc_imagesets(project, root / "exported")
    with pytest.raises(ExportError, match="inside the dataset folder"):
        export_csv(project, root / "Annotations" / "labels.csv")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_voc_imagesets(project, tmp_path / "used")
    project.add_label([0], "a/b")
    with pytest.raises(ExportError, match="cannot be part of a file name"):
        export_voc_imagesets(project, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_import_matches_paths_names_and_stems_and_undoes_at_once(
        project: Project, voc_sample: Path, tmp_path: Path) -> None:
    names = project.images["filename"].tolist()
    csv = tmp_path / "other_tool.csv"
    csv.write_text(
        "filename,labels\n"
        f"{project.absolute_path(0)},\"['cat', 'dog']\"\n"  # pandas' str(list)
        f"{names[1]},\"[\"\"new class\"\"]\"\n"  # JSON list
        f"{Path(names[2]).stem},person horse\n"  # bare stem, space separated
        "2099_999999.jpg,cat\n"  # matches nothing
        f"/elsewhere/{names[3]},\n")  # another folder, no labels
    before = project_state(project)
    plan = plan_label_import(project, csv)
    assert plan.rows.tolist() == [0, 1, 2, 3]
    assert plan.unmatched == [(5, "2099_999999.jpg")] and plan.new_classes == ["new class"]
    assert "1 line matched no image: line 5: 2099_999999.jpg" in plan.report()
    stack = UndoStack()
    stack.push(plan.command(project))
    assert [project.labels_of(r) for r in range(4)] == [
        ("cat", "dog"), ("new class",), ("horse", "person"), ()]
    assert project.edit_log()["action"].tolist() == ["set_row_labels"]
    stack.undo()
    assert project_state(project) == before


def test_import_of_an_export_reproduces_the_labels(project: Project, voc_sample: Path,
                                                   tmp_path: Path) -> None:
    for i, name in enumerate(AWKWARD):
        project.add_label(np.arange(i, 100, 7), name)
    export_csv(project, tmp_path / "labels.csv")
    with Project.create(tmp_path / "fresh.vocgui", load_dataset(voc_sample)) as fresh:
        plan = plan_label_import(fresh, tmp_path / "labels.csv")
        assert plan.unmatched == [] and len(plan.rows) == 100
        plan.command(fresh).redo()
        assert fresh.images["labels"].tolist() == project.images["labels"].tolist()


def test_bad_import_files_are_named(project: Project, tmp_path: Path) -> None:
    (tmp_path / "no_labels.csv").write_text("file,tags\na.jpg,cat\n")
    with pytest.raises(ValueError, match=r"no_labels\.csv: no 'filename' column"):
        plan_label_import(project, tmp_path / "no_labels.csv")
    (tmp_path / "broken.csv").write_text('filename,labels\na.jpg,"[""cat"", 3]"\n')
    with pytest.raises(ValueError, match=r"broken\.csv, line 2: .*list of strings"):
        plan_label_import(project, tmp_path / "broken.csv")


def test_a_session_of_edits_and_exports_never_touches_the_dataset(
        voc_sample: Path, tmp_path: Path) -> None:
    before = folder_fingerprint(voc_sample)
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        p.add_label(np.arange(50), "dog")
        p.merge_classes(["cat", "dog"], "pet")
        p.delete_class("person")
        p.set_review([1], "flagged", note="x")
        export_csv(p, tmp_path / "a.csv")
        export_jsonl(p, tmp_path / "a.jsonl")
        with pytest.raises(ExportError, match="no image has a train"):  # no ImageSets
            export_voc_imagesets(p, tmp_path / "voc_out")
        p.snapshot().to_csv(tmp_path / "snap.csv")
        with pytest.raises(ExportError):
            export_csv(p, voc_sample / "labels.csv")
    assert folder_fingerprint(voc_sample) == before
