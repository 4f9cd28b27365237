"""Label, review and class edits: each is on disk when it returns and emits one event
naming the changed rows and columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset, project_state

from vocgui.core.project import ChangeEvent, Project


@pytest.fixture()
def project(voc_sample: Path, tmp_path: Path):
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        yield p


@pytest.fixture()
def events(project: Project) -> list[ChangeEvent]:
    received: list[ChangeEvent] = []
    project.events.connect(received.append)
    return received


def reopened_state(project: Project) -> dict:
    """The state a fresh process sees (the file is read by a read-only second handle)."""
    with Project.open(project.path, read_only=True) as again:
        return project_state(again)


def carriers(project: Project, name: str) -> list[int]:
    return np.flatnonzero(project.labels[:, project.classes.index(name)]).tolist()


def test_set_labels_creates_classes_and_is_on_disk(project: Project, events) -> None:
    project.set_labels([3, 5], ["dog", "a, \"quoted\" name"])
    assert project.labels_of(3) == project.labels_of(5) == ("a, \"quoted\" name", "dog")
    assert project.classes[-1] == "a, \"quoted\" name"
    assert reopened_state(project) == project_state(project)
    assert [e.kind for e in events] == ["classes", "labels"]
    assert events[1].rows.tolist() == [3, 5] and events[1].columns == ("labels",)


def test_add_label_to_many_rows_reports_only_changed_rows(project: Project, events) -> None:
    persons = carriers(project, "person")
    project.add_label(np.arange(100), "person")
    assert carriers(project, "person") == list(range(100))
    (event,) = events
    assert event.kind == "labels" and event.classes == ("person",)
    assert event.rows.tolist() == sorted(set(range(100)) - set(persons))
    assert reopened_state(project) == project_state(project)


def test_remove_label_keeps_other_labels(project: Project) -> None:
    row = next(r for r in range(100) if len(project.labels_of(r)) >= 2)
    first, *rest = project.labels_of(row)
    project.remove_label([row], first)
    assert project.labels_of(row) == tuple(rest)
    with pytest.raises(KeyError, match="no class named 'unicorn'"):
        project.remove_label([row], "unicorn")
    assert reopened_state(project) == project_state(project)


def test_set_label_rows_sets_each_row(project: Project, events) -> None:
    matrix = np.zeros((2, len(project.classes)), dtype=bool)
    matrix[0, project.classes.index("cat")] = True
    matrix[1, [project.classes.index("cow"), project.classes.index("bus")]] = True
    project.set_label_rows([10, 20], matrix)
    assert project.labels_of(10) == ("cat",) and project.labels_of(20) == ("bus", "cow")
    with pytest.raises(ValueError, match="shape"):
        project.set_label_rows([10], matrix)
    assert len(events) == 1 and reopened_state(project) == project_state(project)


def test_set_review_with_and_without_note(project: Project, events) -> None:
    project.set_review([1, 2], "flagged", note="box missing, check")
    project.set_review([2], "reviewed")
    assert project.images.loc[[1, 2], "review"].tolist() == ["flagged", "reviewed"]
    assert project.images.loc[[1, 2], "note"].tolist() == ["box missing, check"] * 2
    assert [(e.kind, e.rows.tolist(), e.columns) for e in events] == [
        ("review", [1, 2], ("review", "note")), ("review", [2], ("review",))]
    with pytest.raises(ValueError, match="unknown review status 'done'"):
        project.set_review([1], "done")
    assert reopened_state(project) == project_state(project)


def test_invalid_edits_change_nothing(project: Project, events) -> None:
    before = project_state(project)
    log_size = len(project.edit_log())
    with pytest.raises(IndexError, match="row 100 is out of range"):
        project.add_label([1, 100], "dog")
    with pytest.raises(ValueError, match="must not repeat"):
        project.add_label([1, 1], "dog")
    with pytest.raises(ValueError, match="non-empty"):
        project.set_labels([1], [""])
    with pytest.raises(TypeError, match="not the string 'dog'"):
        project.set_labels([1], "dog")
    with pytest.raises(TypeError, match="boolean mask"):
        project.add_label(np.ones(100, dtype=bool), "dog")
    with pytest.raises(ValueError, match="already exists"):
        project.add_class("dog")
    with pytest.raises(ValueError, match="merge"):
        project.rename_class("cat", "dog")
    with pytest.raises(ValueError, match="#rrggbb"):
        project.set_class_color("cat", "red")
    with pytest.raises(ValueError, match="exactly the existing"):
        project.reorder_classes(["cat"])
    with pytest.raises(ValueError, match="without NUL"):  # PostgreSQL text cannot hold one
        project.set_review([1], "flagged", "a\0b")
    assert project_state(project) == before == reopened_state(project)
    assert events == [] and len(project.edit_log()) == log_size


def test_add_rename_reorder_recolour_classes(project: Project, events) -> None:
    dogs = carriers(project, "dog")
    project.add_class("fox", "#AA0000")
    project.rename_class("dog", "hound")
    assert all("hound" in project.labels_of(r) for r in dogs)
    renamed = [e for e in events if e.kind == "classes"][-1]  # then 'objects': the boxes
    assert renamed.rows.tolist() == dogs and renamed.classes == ("dog", "hound")
    order = list(reversed(project.classes))
    project.reorder_classes(order)
    assert project.classes == order and carriers(project, "hound") == dogs
    project.set_class_color("fox", "#00ff00")
    assert project.class_colors["fox"] == "#00ff00"
    assert {e.kind for e in events} == {"classes", "objects"}
    assert reopened_state(project) == project_state(project)


def test_merge_into_a_new_class_takes_the_first_source_place(project: Project, events) -> None:
    cats, dogs = carriers(project, "cat"), carriers(project, "dog")
    position = project.classes.index("cat")
    colour = project.class_colors["cat"]
    project.merge_classes(["cat", "dog"], "pet")
    assert "cat" not in project.classes and "dog" not in project.classes
    assert project.classes.index("pet") == position and project.class_colors["pet"] == colour
    assert carriers(project, "pet") == sorted(set(cats) | set(dogs))
    merged = [e for e in events if e.kind == "classes"][-1]  # then 'objects': the boxes
    assert merged.rows.tolist() == sorted(set(cats) | set(dogs))
    assert events[-1].kind == "objects"
    assert reopened_state(project) == project_state(project)


def test_merge_into_an_existing_class(project: Project) -> None:
    cows, sheep = carriers(project, "cow"), carriers(project, "sheep")
    project.merge_classes(["sheep"], "cow")
    assert "sheep" not in project.classes
    assert carriers(project, "cow") == sorted(set(cows) | set(sheep))
    assert reopened_state(project) == project_state(project)


def test_delete_class_removes_only_that_label(project: Project, events) -> None:
    persons = carriers(project, "person")
    others = {r: set(project.labels_of(r)) - {"person"} for r in persons}
    project.delete_class("person")
    assert "person" not in project.classes
    assert {r: set(project.labels_of(r)) for r in persons} == others
    assert events[-1].rows.tolist() == persons and events[-1].classes == ("person",)
    assert project.labels.shape == (100, 19)
    assert reopened_state(project) == project_state(project)


def test_edit_log_records_who_what_when_across_sessions(project: Project) -> None:
    project.add_label([0, 1], "dog")
    project.set_review([0], "reviewed")
    path = project.path
    project.close()
    with Project.open(path) as again:
        again.delete_class("dog")
        log = again.edit_log()
    assert log["action"].tolist() == ["add_label", "set_review", "delete_class"]
    assert log["detail"][0]["rows"] == [0, 1] and log["detail"][0]["label"] == "dog"
    assert (log["who"] != "").all() and log["when"].is_monotonic_increasing


def test_disconnected_callbacks_are_not_called(project: Project, events) -> None:
    other: list[ChangeEvent] = []
    project.events.connect(other.append)
    project.events.disconnect(other.append)
    project.add_label([0], "dog")
    assert other == [] and len(events) == 1
