"""The model's suggestions in the core: which run, class matching by name, uncertainty,
accepting as one undoable edit (one image and many), and the Label next queue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vocgui.core.project import Project
from vocgui.core.project.commands import AddClass, RenameClass, UndoStack
from vocgui.core.suggestions import (
    accept_command,
    default_run,
    label_next_queue,
    load_run_scores,
    match_classes,
    model_name,
    next_to_label,
    plan_accept,
    suggestion_runs,
    uncertainty_of,
)


@pytest.fixture
def project(demo_unlabeled_root: Path, tmp_path: Path):
    with Project.create_from_voc(tmp_path / "p.vocgui", demo_unlabeled_root) as p:
        yield p


def suggestions_of(project: Project, run_id: int):
    return match_classes(load_run_scores(project, run_id), project.classes,
                         len(project.images))


def test_default_run_is_the_newest_completed_one_scoring_every_image(project,
                                                                     record_scoring_run):
    assert default_run(project) is None
    full = record_scoring_run(project)
    partial = record_scoring_run(project, rows=np.arange(10))
    failed = project.create_run({"backbone": "small_cnn"}, project.snapshot())
    project.finish_run(failed, "failed", message="boom")
    runs = suggestion_runs(project)
    assert list(runs["id"]) == [partial, full]  # newest first; the failed one is not there
    assert list(runs["covers_all"]) == [False, True]
    assert default_run(project) == full
    assert model_name({"folds": 5}, 7) == "run 7 (cross-validated, 5 folds)"
    assert model_name({"backbone": "small_cnn"}, 3) == "run 3 (small_cnn)"


def test_classes_are_matched_by_name_after_a_rename_and_an_add(project, record_scoring_run):
    run_id = record_scoring_run(project)
    raw = load_run_scores(project, run_id)
    first, second = project.classes[:2]
    stack = UndoStack()
    stack.push(RenameClass(project, first, "renamed"))
    stack.push(AddClass(project, "brand_new"))
    s = suggestions_of(project, run_id)
    assert s.classes == tuple(project.classes)
    assert s.unknown == ("renamed", "brand_new")
    assert not s.known[project.classes.index("renamed")]
    assert np.isnan(s.scores[:, project.classes.index("brand_new")]).all()
    # A known class keeps the run's own column, whatever its position now.
    k = project.classes.index(second)
    np.testing.assert_array_equal(s.scores[raw.rows, k], raw.scores[:, raw.classes.index(second)])
    # The renamed class's old name is a class the model knows and the project lost: ignored.
    assert first not in s.classes


def test_uncertainty_is_the_least_decided_class():
    scores = np.array([[0.5, 0.99], [0.1, 0.9], [np.nan, np.nan], [np.nan, 0.75]], np.float32)
    np.testing.assert_allclose(uncertainty_of(scores), [1.0, 0.2, np.nan, 0.5], atol=1e-6)
    # From each class's threshold: 0.08 just over a rare class's 0.064 is nearly a toss.
    near = uncertainty_of(np.array([[0.08, 0.02], [0.01, 0.9]]), np.array([0.064, 0.5]))
    np.testing.assert_allclose(near, [0.92 / 0.936, 0.2], atol=1e-6)


def test_accepting_one_image_is_one_undoable_edit(project, record_scoring_run):
    run_id = record_scoring_run(project)
    s = suggestions_of(project, run_id)
    row = int(np.flatnonzero(~project.images["labeled"].to_numpy(dtype=bool))[0])
    assert s.suggested[row].any()
    stack, n_log = UndoStack(), len(project.edit_log())
    plan = plan_accept(project, s, [row])
    stack.push(accept_command(project, plan))
    assert list(project.labels_of(row)) == sorted(s.suggested_names(row))
    assert project.images["labeled"].iat[row]
    assert len(project.edit_log()) == n_log + 1 and len(stack) == 1
    assert "Accept the model's suggestions for 1 image" in stack.undo_text()
    stack.undo()
    assert project.labels_of(row) == () and not project.images["labeled"].iat[row]


def test_accepting_keeps_the_labels_of_classes_the_model_does_not_know(project,
                                                                       record_scoring_run):
    run_id = record_scoring_run(project)
    project.add_class("later")
    row = 0
    project.add_label([row], "later")
    s = suggestions_of(project, run_id)
    UndoStack().push(accept_command(project, plan_accept(project, s, [row])))
    assert "later" in project.labels_of(row)
    with pytest.raises(ValueError, match="another class list"):
        project.add_class("after_matching")
        plan_accept(project, s, [row])


def test_bulk_accept_counts_the_changes_and_is_one_undo_step(project, record_scoring_run):
    run_id = record_scoring_run(project, seed=2)
    s = suggestions_of(project, run_id)
    rows = np.arange(len(project.images))
    before, labeled_before = project.labels.copy(), project.images["labeled"].to_numpy().copy()
    plan = plan_accept(project, s, rows, confident_only=True)
    confident = np.flatnonzero(s.confident)
    expected = before[confident] != s.suggested[confident]
    changing = expected.any(axis=1) | ~labeled_before[confident]
    assert plan.n_images == int(changing.sum()) > 0
    assert plan.n_labels == int(expected.sum())
    assert plan.skipped_unsure == int((~s.confident).sum()) > 0
    assert f"{plan.n_images} images change" in plan.describe()
    stack = UndoStack()
    stack.push(accept_command(project, plan))
    np.testing.assert_array_equal(project.labels[plan.rows], plan.matrix)
    assert project.images["labeled"].to_numpy()[plan.rows].all()
    stack.undo()
    np.testing.assert_array_equal(project.labels, before)
    np.testing.assert_array_equal(project.images["labeled"].to_numpy(), labeled_before)


def test_label_next_is_unlabeled_images_most_uncertain_first(project, record_scoring_run):
    unlabeled = np.flatnonzero(~project.images["labeled"].to_numpy(dtype=bool))
    # Only some unlabeled images scored: the others come last, in row order.
    run_id = record_scoring_run(project, rows=np.setdiff1d(np.arange(len(project.images)),
                                                           unlabeled[-3:]))
    s = suggestions_of(project, run_id)
    queue = label_next_queue(s, project.images["labeled"].to_numpy(dtype=bool))
    assert sorted(queue.tolist()) == unlabeled.tolist()
    scored_part = s.uncertainty[queue[:-3]]
    assert (np.diff(scored_part) <= 0).all()
    assert queue[-3:].tolist() == unlabeled[-3:].tolist()
    assert next_to_label(queue, -1) == queue[0]
    assert next_to_label(queue, int(queue[0])) == queue[1]
    assert next_to_label(queue, int(queue[-1])) == queue[0]
    assert next_to_label(queue[:0], 5) is None
