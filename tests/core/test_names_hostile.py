"""One rule for class names from XML, CSV and edits, so every edit can be undone; hostile
label-import CSVs are refused naming the file and line (issue 10, items 9 and 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_project import project_state
from voc_xml_helpers import annotation_xml, object_xml, write_voc

from vocgui.core.project import Project
from vocgui.core.project.commands import (
    DeleteClass,
    MergeClasses,
    RenameClass,
    ReorderClasses,
    SetClassColor,
    UndoStack,
)
from vocgui.core.project.label_import import plan_label_import
from vocgui.core.voc import load_voc


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    root = write_voc(tmp_path / "voc", {
        "a.xml": annotation_xml("a.jpg", [object_xml("dining\ttable"), object_xml("cat")]),
        "b.xml": annotation_xml("b.jpg", [object_xml("cat"), object_xml("bad\x85name")]),
        "c.xml": annotation_xml("c.jpg", [object_xml("dog")]).replace(
            "<folder>", "<!-- not plain --><folder>"),
    })
    with Project.create(tmp_path / "p.vocgui", load_voc(root, workers=1)) as opened:
        yield opened


def test_names_with_control_characters_are_normalised_and_reported(project: Project) -> None:
    assert project.classes == ["bad name", "cat", "dining table", "dog"]
    renamed = [p for p in project.problems if p.kind == "class_name"]
    assert sorted(Path(p.file).name for p in renamed) == ["a.xml", "b.xml"]
    assert "loaded as 'dining table'" in renamed[0].message
    assert set(project.objects["name"]) == set(project.classes)


@pytest.mark.parametrize("make", [
    lambda p: DeleteClass(p, "dining table"),
    lambda p: RenameClass(p, "dining table", "table"),
    lambda p: MergeClasses(p, ["dining table", "bad name"], "furniture"),
    lambda p: ReorderClasses(p, list(reversed(p.classes))),
    lambda p: SetClassColor(p, "dining table", "#123456"),
], ids=["delete", "rename", "merge", "reorder", "colour"])
def test_every_class_edit_of_a_loaded_name_undoes_and_redoes(project: Project, make) -> None:
    before = project_state(project)
    stack = UndoStack()
    stack.push(make(project))
    after = project_state(project)
    stack.undo()
    assert project_state(project) == before
    stack.redo()
    assert project_state(project) == after


def test_edits_refuse_invalid_names_saying_what_to_use(project: Project) -> None:
    for bad in ("two\ttabs", "line\nbreak", " padded", "nbsp\u00a0x"):
        with pytest.raises(ValueError, match="use '"):
            project.add_class(bad)
        with pytest.raises(ValueError, match="use '"):
            project.rename_class("cat", bad)
    assert project.classes == ["bad name", "cat", "dining table", "dog"]


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_import_normalises_names_so_the_confirmed_edit_applies(project: Project,
                                                               tmp_path: Path) -> None:
    path = _write(tmp_path, "names.csv", 'filename,labels\na.jpg,"[""new\\nline"", ""cat""]"\n')
    plan = plan_label_import(project, path)
    assert plan.labels == [("new line", "cat")] and plan.new_classes == ["new line"]
    stack = UndoStack()
    stack.push(plan.command(project))
    assert project.labels_of(0) == ("cat", "new line")
    stack.undo()
    assert project.labels_of(0) == ("cat", "dining table")


@pytest.mark.parametrize("name, text, message", [
    ("nested.csv", "filename,labels\na.jpg," + "[" * 100_000 + "\n",
     r"nested\.csv, line 2: labels cell .*(nested too deeply|not a JSON)"),
    ("huge.csv", "filename,labels\na.jpg,\"[" + "\"\"x\"\"," * 30_000 + "\"\"x\"\"]\"\n",
     r"huge\.csv, line 2: .*characters long"),
    ("empty.csv", "", r"empty\.csv: the file is empty"),
    ("shifted.csv", "filename,labels\na.jpg,cat,dog\n",
     r"shifted\.csv, line 2: 3 fields where the header has 2"),
    ("binary.csv", b"filename,labels\n\xff\xd8\xff\xe0", r"binary\.csv: cannot read as CSV"),
], ids=["deeply-nested", "huge-cell", "empty", "extra-column", "not-text"])
def test_hostile_import_files_are_refused_naming_file_and_line(
        project: Project, tmp_path: Path, name: str, text: str | bytes, message: str) -> None:
    before = project_state(project)
    with pytest.raises(ValueError, match=message):
        plan_label_import(project, _write(tmp_path, name, text))
    assert project_state(project) == before
