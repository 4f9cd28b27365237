"""Undo/redo: every command restores the exact prior state, in memory and on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset, project_state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vocgui.core.project import Project
from vocgui.core.project import commands as cmd


@pytest.fixture(scope="module")
def dataset(voc_sample: Path):
    return load_dataset(voc_sample)


@pytest.fixture(scope="module")
def project(dataset, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("undo") / "p.vocgui"
    with Project.create(path, dataset) as p:
        yield p


def on_disk(project: Project) -> dict:
    with Project.open(project.path, read_only=True) as again:
        return project_state(again)


NAMES = ["dog", "cat", "person", "new one", "with, comma", "zebra"]


@st.composite
def commands(draw: st.DrawFn, project: Project) -> cmd.Command:
    """A random valid command for the project's current state."""
    rows = draw(st.lists(st.integers(0, 99), min_size=1, max_size=30, unique=True))
    existing = project.classes
    name = draw(st.sampled_from(existing + NAMES))
    kind = draw(st.sampled_from(["set", "rows", "add", "remove", "review", "add_class",
                                 "rename", "merge", "delete", "reorder", "color"]))
    fresh = next(n for n in NAMES + [f"c{i}" for i in range(99)] if n not in existing)
    if kind == "set":
        return cmd.SetLabels(project, rows, draw(st.lists(st.sampled_from(existing + NAMES),
                                                          max_size=3)))
    if kind == "rows":
        matrix = draw(st.lists(st.lists(st.booleans(), min_size=len(existing),
                                        max_size=len(existing)),
                               min_size=len(rows), max_size=len(rows)))
        return cmd.SetLabelRows(project, rows, np.array(matrix, dtype=bool))
    if kind == "add":
        return cmd.AddLabel(project, rows, name)
    if kind == "review":
        return cmd.SetReview(project, rows, draw(st.sampled_from(["reviewed", "flagged"])),
                             draw(st.none() | st.text(st.characters(exclude_characters="\0"),
                                                      max_size=5)))  # NUL: refused
    if kind == "add_class":
        return cmd.AddClass(project, fresh)
    if kind == "reorder":
        return cmd.ReorderClasses(project, draw(st.permutations(existing)))
    victim = draw(st.sampled_from(existing))
    if kind == "remove":
        return cmd.RemoveLabel(project, rows, victim)
    if kind == "rename":
        return cmd.RenameClass(project, victim, fresh)
    if kind == "merge":
        sources = draw(st.lists(st.sampled_from(existing), min_size=1, max_size=3, unique=True))
        return cmd.MergeClasses(project, sources, draw(st.sampled_from([fresh, victim])))
    if kind == "delete":
        return cmd.DeleteClass(project, victim)
    return cmd.SetClassColor(project, victim, draw(st.sampled_from(["#123456", "#abcdef"])))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_undoes_and_redoes_exactly(dataset, data: st.DataObject) -> None:
    # A project of its own per example: the commands drawn depend on its classes, so an
    # example that fails half-way must not change what the next one (or hypothesis's
    # replay of it) draws from.
    with tempfile.TemporaryDirectory() as tmp, \
            Project.create(Path(tmp) / "p.vocgui", dataset) as project:
        _undo_and_redo_a_drawn_sequence(project, data)


def _undo_and_redo_a_drawn_sequence(project: Project, data: st.DataObject) -> None:
    stack = cmd.UndoStack()
    states = [project_state(project)]
    for _ in range(data.draw(st.integers(1, 6))):
        stack.push(data.draw(commands(project)))
        states.append(project_state(project))
    for expected in reversed(states[:-1]):
        stack.undo()
        assert project_state(project) == expected
    assert on_disk(project) == states[0]
    for expected in states[1:]:
        stack.redo()
        assert project_state(project) == expected
    assert on_disk(project) == states[-1]


def test_texts_and_the_edit_log_name_the_user_action(project: Project) -> None:
    stack = cmd.UndoStack()
    rows = np.arange(120 - 20)
    # The text counts the images that change, not the ones selected.
    lacking = int((~project.labels[rows, project.classes.index("dog")]).sum())
    assert 0 < lacking < 100
    stack.push(cmd.AddLabel(project, rows, "dog"))
    text = f"Add 'dog' to {lacking} images"
    assert stack.undo_text() == text
    stack.undo()
    assert stack.redo_text() == text and not stack.can_undo()
    details = project.edit_log()["detail"].tolist()[-2:]
    assert [d["command"] for d in details] == [text, f"Undo {text}"]
    assert cmd.SetReview(project, [3], "flagged").text == "Mark 1 image flagged"
    assert cmd.MergeClasses(project, ["cat", "dog"], "pet").text == "Merge 'cat', 'dog' into 'pet'"


def test_a_new_push_drops_the_redo_steps(project: Project) -> None:
    stack = cmd.UndoStack()
    stack.push(cmd.AddClass(project, "first"))
    stack.undo()
    stack.push(cmd.AddClass(project, "second"))
    assert len(stack) == 1 and not stack.can_redo()
    assert "first" not in project.classes and "second" in project.classes
    stack.undo()
    with pytest.raises(IndexError, match="nothing to undo"):
        stack.undo()


def test_a_failed_command_is_not_pushed(project: Project) -> None:
    stack = cmd.UndoStack()
    with pytest.raises(KeyError):
        stack.push(cmd.DeleteClass(project, "no such class"))
    assert len(stack) == 0


def test_a_batch_is_one_transaction_all_or_nothing(project: Project, tmp_path) -> None:
    """A batch whose second step fails leaves the file and memory as before its first."""
    before = project_state(project)
    log_length = len(project.edit_log())
    events: list = []
    project.events.connect(events.append)
    taken = project.classes[0]
    batch = cmd.Batch(project, [cmd.AddLabel(project, [0, 1, 2], "fresh class"),
                                cmd.AddClass(project, taken)], "Two steps")
    with pytest.raises(ValueError, match="already exists"):
        cmd.UndoStack().push(batch)
    project.events.disconnect(events.append)
    assert project_state(project) == before
    assert on_disk(project) == before and len(project.edit_log()) == log_length
    assert events[-1].rows is None  # the views are told to re-read everything
    stack = cmd.UndoStack()
    stack.push(cmd.Batch(project, [cmd.AddLabel(project, [0, 1], "fresh class"),
                                   cmd.SetReview(project, [0, 1], "reviewed")], "Fix 2"))
    assert "fresh class" in project.labels_of(1) and on_disk(project) != before
    entries = project.edit_log()["detail"].tolist()[log_length:]
    assert [e["command"] for e in entries] == ["Add 'fresh class' to 2 images",
                                               "Mark 2 images reviewed"]
    stack.undo()
    assert project_state(project) == before and on_disk(project) == before
