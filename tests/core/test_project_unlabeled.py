"""The project's explicit labeled/unlabeled state: stored, edited, undone, migrated."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from voc_xml_helpers import annotation_xml, object_xml, write_jpeg, write_voc

from vocgui.core.project import SCHEMA_VERSION, Project
from vocgui.core.project.commands import AddLabel, RemoveLabel, SetLabels, SetReview, UndoStack
from vocgui.core.voc import load_voc

V1_FILE = Path(__file__).parent / "data" / "schema_v1.vocgui"


def _project(tmp_path: Path) -> Project:
    """Two labeled images (one with no class present) and three unlabeled; all in train."""
    images = ["a.jpg", "e.jpg", "new1.jpg", "new2.jpg", "new3.jpg"]
    root = write_voc(tmp_path / "voc", {"a.xml": annotation_xml("a.jpg", [object_xml("cat")]),
                                        "e.xml": annotation_xml("e.jpg", [])}, images)
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "train.txt").write_text(
        "".join(f"{Path(n).stem}\n" for n in images))
    return Project.create(tmp_path / "p.vocgui", load_voc(root))


def test_unlabeled_rows_are_stored_and_reopened(tmp_path: Path) -> None:
    with _project(tmp_path) as p:
        assert p.images["labeled"].tolist() == [True, True, False, False, False]
    with Project.open(tmp_path / "p.vocgui") as p:
        assert p.images["labeled"].tolist() == [True, True, False, False, False]
        assert p.images["filename"].tolist()[2:] == ["new1.jpg", "new2.jpg", "new3.jpg"]


def test_tagging_or_reviewing_labels_an_image_and_undo_unlabels_it(tmp_path: Path) -> None:
    events = []
    with _project(tmp_path) as p:
        p.events.connect(events.append)
        stack = UndoStack()
        stack.push(AddLabel(p, [2], "dog"))
        assert p.images["labeled"].iat[2] and events[-1].columns == ("labels", "labeled")
        stack.push(RemoveLabel(p, [2, 3], "dog"))  # removing never labels image 3
        assert p.images["labeled"].tolist()[2:] == [True, False, False]
        stack.push(SetReview(p, [3], "reviewed"))  # reviewed, no tags: no class present
        stack.push(SetReview(p, [4], "flagged"))
        assert p.images["labeled"].tolist()[2:] == [True, True, False]
        stack.push(SetLabels(p, [4], ["new class"]))  # creates a class; undo drops it
        assert p.images["labeled"].tolist()[2:] == [True, True, True]
    with Project.open(tmp_path / "p.vocgui") as p:  # every state change is on disk
        assert p.images["labeled"].tolist()[2:] == [True, True, True]
        stack = UndoStack()
        for command in (AddLabel(p, [2], "dog"), SetReview(p, [3], "reviewed"),
                        SetLabels(p, [4], ["another"])):
            stack.push(command)
        p.set_labeled([2, 3, 4], [False, False, False])
        assert not p.images["labeled"].iloc[2:].any()
        stack.push(SetLabels(p, [4], ["third"]))
        stack.undo()
        assert "third" not in p.classes and not p.images["labeled"].iat[4]
        stack.push(SetReview(p, [3], "reviewed"))
        stack.undo()
        assert not p.images["labeled"].iat[3]


def test_a_version_1_project_opens_and_every_image_is_labeled(tmp_path: Path) -> None:
    # Made by the vocgui before the labeled state existed (schema 1): it must still open.
    path = tmp_path / "old.vocgui"
    shutil.copy(V1_FILE, path)
    with Project.open(path, read_only=True) as p:  # read-only never migrates, still reads
        assert p.images["filename"].tolist() == ["a.jpg", "b.jpg", "c.jpg"]
    with Project.open(path) as p:
        assert p.images["labeled"].tolist() == [True, True, True]
        assert p.labels_of(1) == ("cat", "dog") and p.images["review"].iat[2] == "reviewed"
        p.add_label([2], "cow")
    with Project.open(path) as p:
        version = p._store.conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert version == str(SCHEMA_VERSION) and p.labels_of(2) == ("cow",)
        assert np.asarray(p.labels).sum() == 4


def test_adding_a_folder_appends_unlabeled_rows_and_skips_known_files(
        tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    (extra / "deep").mkdir(parents=True)
    for name in ("x1.jpg", "deep/x2.jpg"):
        write_jpeg(extra / name)
    events = []
    with _project(tmp_path) as p:
        p.add_label([0], "dog")
        p.events.connect(events.append)
        added = p.add_images(load_voc(extra))
        assert added.rows.tolist() == [5, 6] and added.n_unlabeled == 2
        assert [e.kind for e in events] == ["images"] and events[0].rows.tolist() == [5, 6]
        assert p.images["filename"].tolist()[5:] == ["deep/x2.jpg", "x1.jpg"]
        assert not p.images["labeled"].iloc[5:].any() and p.labels_of(0) == ("cat", "dog")
        assert Path(p.absolute_paths()[5]).is_file() and len(p.roots) == 2
        again = p.add_images(load_voc(extra))  # the same folder twice: all skipped
        assert len(again.rows) == 0 and again.n_already == 2
        own = p.add_images(load_voc(tmp_path / "voc"))  # its own dataset: all known
        assert own.n_already == 5 and "already in the project" in own.report()
    with Project.open(tmp_path / "p.vocgui") as p:
        assert len(p.images) == 7 and p.n_unlabeled == 5
        assert p.images["filename"].iat[6] == "x1.jpg"


def test_exports_and_snapshots_hold_labeled_images_only(tmp_path: Path) -> None:
    from vocgui.core.project.export import export_csv, export_jsonl, export_voc_imagesets
    from vocgui.core.voc.labels_csv import read_labels_csv

    (tmp_path / "out").mkdir()
    with _project(tmp_path) as p:
        assert p.snapshot().frame["row"].tolist() == [0, 1] and p.n_unlabeled == 3
        csv = read_labels_csv(export_csv(p, tmp_path / "out" / "l.csv"))
        assert [Path(f).name for f in csv["filename"]] == ["a.jpg", "e.jpg"]
        lines = export_jsonl(p, tmp_path / "out" / "l.jsonl").read_text().splitlines()
        assert len(lines) == 5 and '"labeled": false' in lines[2]
        assert set(p.images["split"]) == {"train"}
        voc = export_voc_imagesets(p, tmp_path / "out" / "voc")
        assert (voc / "ImageSets" / "Main" / "train.txt").read_text().split() == ["a", "e"]


def test_vocgui_add_reports_what_it_added(tmp_path: Path, capsys) -> None:
    from vocgui.cli.main import main

    extra = tmp_path / "extra"
    extra.mkdir()
    write_jpeg(extra / "x1.jpg")
    _project(tmp_path).close()
    assert main(["add", str(tmp_path / "p.vocgui"), str(extra)]) == 0
    out = capsys.readouterr().out
    assert "added 1 image (1 unlabeled)" in out and "4 of them unlabeled" in out
    assert main(["add", str(tmp_path / "p.vocgui"), str(tmp_path / "nowhere")]) == 2


def test_label_error_finding_says_what_it_checked(tmp_path: Path) -> None:
    from vocgui.core.evaluation.review_runs import checked_description

    with _project(tmp_path) as p:
        single = p.create_run({"folds": 0}, p.snapshot())
        crossval = p.create_run({"folds": 5}, p.snapshot())
        assert checked_description(p, single, 1) == (
            f"checked the 1 validation image of run {single} (of 2 labeled; a "
            "cross-validated run checks them all)")
        assert checked_description(p, crossval, 2) == (
            f"checked 2 of 2 labeled images (out-of-sample scores of the 5-fold "
            f"cross-validated run {crossval})")


def test_images_labeled_here_are_new_to_the_official_split_in_the_snapshot(
        tmp_path: Path) -> None:
    """An image tagged in vocgui that came without an XML trains under the official split
    (snapshot split 'new'); an annotated image the split files list nowhere keeps ''."""
    xmls = {n + ".xml": annotation_xml(n + ".jpg", [object_xml("cat")]) for n in "abu"}
    root = write_voc(tmp_path / "voc", xmls, ["a.jpg", "b.jpg", "u.jpg", "new1.jpg"])
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "train.txt").write_text("a\n")
    (root / "ImageSets" / "Main" / "val.txt").write_text("b\n")
    with Project.create(tmp_path / "p.vocgui", load_voc(root)) as p:
        new = p.images["filename"].tolist().index("new1.jpg")
        UndoStack().push(AddLabel(p, [new], "dog"))
        frame = p.snapshot().frame
        splits = dict(zip(p.images["filename"].to_numpy()[frame["row"]], frame["split"],
                          strict=True))
        assert splits == {"a.jpg": "train", "b.jpg": "val", "u.jpg": "", "new1.jpg": "new"}
        assert p.images["split"].iat[new] == ""  # the project's own split is untouched
