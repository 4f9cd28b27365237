"""Boxes follow class renames and merges (so the viewer and object counts name them as
the labels do), on disk too, and undo puts every box's name back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_project import load_dataset, project_state

from vocgui.core.project import Project
from vocgui.core.project import commands as cmd


@pytest.fixture
def project(voc_sample: Path, tmp_path: Path):
    p = Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample))
    yield p
    p.close()


def _names(project: Project) -> list[str]:
    return project.objects["name"].tolist()


def test_a_rename_renames_the_boxes_on_disk_too(project: Project) -> None:
    before = _names(project)
    n_dogs = before.count("dog")
    assert n_dogs > 0
    project.rename_class("dog", "hound")
    after = _names(project)
    assert after.count("hound") == n_dogs and "dog" not in after
    assert [n for n in after if n != "hound"] == [n for n in before if n != "dog"]
    path = project.path
    project.close()
    with Project.open(path) as reopened:
        assert _names(reopened) == after


def test_a_merge_gives_the_boxes_the_target_name_and_undo_restores_them(
        project: Project) -> None:
    before = project_state(project)
    n_merged = sum(n in ("chair", "sofa") for n in _names(project))
    command = cmd.MergeClasses(project, ["chair", "sofa"], "seat")
    command.redo()
    assert _names(project).count("seat") == n_merged
    assert not {"chair", "sofa"} & set(_names(project))
    command.undo()
    assert project_state(project) == before


def test_undoing_a_rename_onto_a_deleted_class_name_keeps_that_class_boxes(
        project: Project) -> None:
    """The deleted class's boxes keep their XML name; renaming another class to it and
    undoing must split the two sets of boxes again exactly."""
    cmd.DeleteClass(project, "cat").redo()
    before = project_state(project)
    assert "cat" in before["object_names"]  # boxes of the deleted class keep their name
    rename = cmd.RenameClass(project, "dog", "cat")
    rename.redo()
    assert "dog" not in _names(project)
    rename.undo()
    assert project_state(project) == before
    rename.redo()
    assert "dog" not in _names(project)
