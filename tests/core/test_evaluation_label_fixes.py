"""Accepted label-issue suggestions become ordinary undoable edits of a real project."""

from __future__ import annotations

import pandas as pd
import pytest

from vocgui.core.evaluation.label_fixes import fix_commands
from vocgui.core.project import Project
from vocgui.core.project.commands import UndoStack


@pytest.fixture
def project(voc_sample, tmp_path):
    with Project.create_from_voc(tmp_path / "sample.vocgui", voc_sample) as opened:
        yield opened


def issue_rows(project: Project) -> tuple[int, int]:
    """Two images: one carrying 'person', one without 'dog'."""
    person = next(r for r in range(len(project.images)) if "person" in project.labels_of(r))
    no_dog = next(r for r in range(len(project.images))
                  if r != person and "dog" not in project.labels_of(r))
    return person, no_dog


def test_fixes_apply_grouped_and_undo_exactly(project):
    person, no_dog = issue_rows(project)
    issues = pd.DataFrame({
        "row": [person, no_dog], "add": [("dog",), ("dog",)], "remove": [("person",), ()],
    })
    before = {r: project.labels_of(r) for r in (person, no_dog)}
    commands = fix_commands(project, issues)
    # One removal, one addition for both images, one review mark.
    assert [c.text for c in commands] == ["Remove 'person' from 1 image",
                                          "Add 'dog' to 2 images", "Mark 2 images reviewed"]
    stack = UndoStack()
    for command in commands:
        stack.push(command)
    assert "person" not in project.labels_of(person) and "dog" in project.labels_of(person)
    assert "dog" in project.labels_of(no_dog)
    assert set(project.images["review"].iloc[[person, no_dog]]) == {"reviewed"}
    for _ in commands:
        stack.undo()
    assert {r: project.labels_of(r) for r in (person, no_dog)} == before
    assert set(project.images["review"].iloc[[person, no_dog]]) == {"unreviewed"}


def test_changes_already_made_are_skipped(project):
    person, _ = issue_rows(project)
    issues = pd.DataFrame({"row": [person], "add": [("person",)], "remove": [("dog",)]})
    assert [c.text for c in fix_commands(project, issues)] == ["Mark 1 image reviewed"]


def test_a_suggested_class_the_project_lost_is_created_again(project):
    _, row = issue_rows(project)
    issues = pd.DataFrame({"row": [row], "add": [("unicorn",)], "remove": [()]})
    for command in fix_commands(project, issues):
        command.redo()
    assert "unicorn" in project.classes and "unicorn" in project.labels_of(row)
