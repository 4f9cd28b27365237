"""Per-class thresholds of a run's suggestions: tuned on the out-of-sample labeled images
only, the run's own for thin classes, and thresholds saved with the run winning (undo,
reopening and copying included)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vocgui.core.project import Project
from vocgui.core.project.commands import SaveThresholds, UndoStack
from vocgui.core.project.copying import copy_project
from vocgui.core.suggestions import RunScores, load_run_scores, match_classes, tune_thresholds
from vocgui.core.suggestions.class_thresholds import MIN_POSITIVES, RUN, SAVED, TUNED


@pytest.fixture
def project(demo_unlabeled_root: Path, tmp_path: Path):
    with Project.create_from_voc(tmp_path / "p.vocgui", demo_unlabeled_root) as p:
        yield p


def record_run(project: Project) -> tuple[int, np.ndarray]:
    """A completed run whose scores put each class's best cut at about 0.6 on the
    out-of-sample labeled images (every other labeled one), above the in-sample
    positives' 0.56 to 0.58: tuning on the wrong images gives a threshold under 0.58.
    Returns the run id and the out-of-sample labeled rows."""
    rng = np.random.default_rng(0)
    n = len(project.images)
    labeled = project.images["labeled"].to_numpy(dtype=bool)
    in_sample = labeled & (np.arange(n) % 2 == 0)
    truth = project.labels
    out = np.where(truth, rng.uniform(0.65, 0.70, truth.shape),
                   rng.uniform(0.52, 0.55, truth.shape))
    inside = np.where(truth, rng.uniform(0.56, 0.58, truth.shape), 0.01)
    scores = np.where(in_sample[:, None], inside, out)
    scores[~labeled] = 0.62  # unlabeled: nothing is known of them, they never tune
    run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5},
                                project.snapshot())
    project.save_predictions(run_id, np.arange(n), project.classes,
                             scores.astype(np.float32), split="all", in_sample=in_sample)
    project.finish_run(run_id, "completed")
    return run_id, np.flatnonzero(labeled & ~in_sample)


def test_thresholds_are_tuned_on_out_of_sample_labeled_images_only(project):
    run_id, tuning = record_run(project)
    scores = load_run_scores(project, run_id)
    origin = scores.origin
    positives = project.labels[tuning].sum(axis=0)
    assert origin.n_images == len(tuning) == 30
    np.testing.assert_array_equal(origin.positives, positives)
    thick = positives >= MIN_POSITIVES
    assert thick.any() and (~thick).any()  # the demo has both kinds
    for k in np.flatnonzero(thick):
        assert origin.sources[k] == TUNED
        assert 0.58 < scores.thresholds[k] < 0.65, project.classes[k]  # in-sample: < 0.56
    for k in np.flatnonzero(~thick):  # thin: the run's own threshold, and said why
        assert origin.sources[k] == RUN and scores.thresholds[k] == 0.5
        assert f"tuning needs {MIN_POSITIVES}" in origin.source_of(int(k))
    assert origin.caption() == (f"per-class thresholds tuned on 30 out-of-sample images "
                                f"({(~thick).sum()} classes at the run's 0.50)")
    # The unlabeled images' 0.62 is suggested for exactly the classes cut under it.
    s = match_classes(scores, project.classes, len(project.images))
    unlabeled = int(np.flatnonzero(~project.images["labeled"].to_numpy(dtype=bool))[0])
    np.testing.assert_array_equal(s.suggested[unlabeled], s.thresholds <= np.float32(0.62))
    assert s.origin is origin
    # Scores that do not say which images trained the model tune nothing.
    other = project.create_run({"threshold": 0.4}, project.snapshot())
    project.save_predictions(other, scores.rows, project.classes, scores.scores, split="all")
    origin = load_run_scores(project, other).origin
    assert origin.n_images == 0 and set(origin.sources) == {RUN}
    assert (origin.values == np.float32(0.4)).all()
    assert origin.caption() == "the run's threshold 0.40 for every class"
    assert "no labeled out-of-sample image" in origin.source_of(0)


def test_saved_thresholds_win_undo_and_survive_reopening_and_copying(project, tmp_path):
    run_id, _ = record_run(project)
    tuned = load_run_scores(project, run_id).thresholds
    first, second = project.classes[:2]
    stack = UndoStack()
    stack.push(SaveThresholds(project, run_id, {first: 0.9, second: 0.05}))
    scores = load_run_scores(project, run_id)
    assert scores.thresholds[:2].tolist() == pytest.approx([0.9, 0.05])
    assert scores.origin.sources[:2] == (SAVED, SAVED)
    np.testing.assert_array_equal(scores.thresholds[2:], tuned[2:])  # the others as before
    assert scores.origin.caption().startswith("thresholds saved from the Review tab")
    log = project.edit_log()
    assert log["action"].iat[-1] == "save_thresholds"
    assert log["detail"].iat[-1]["command"] == f"Save the thresholds of run {run_id}"
    stack.undo()
    np.testing.assert_array_equal(load_run_scores(project, run_id).thresholds, tuned)
    stack.redo()
    with pytest.raises(ValueError, match="must be in \\[0, 1\\]"):
        project.save_thresholds(run_id, {first: 1.5})
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as again:
        assert again.saved_thresholds(run_id) == {first: 0.9, second: 0.05}
    copy_project(path, tmp_path / "copy.vocgui")
    with Project.open(tmp_path / "copy.vocgui") as copied:
        assert load_run_scores(copied, run_id).thresholds[:2].tolist() == \
            pytest.approx([0.9, 0.05])


def test_the_confident_band_moves_with_the_threshold():
    """A rare class cut at 0.05: 0.08 is suggested, so it is no confident "no" (at 0.5 it
    was), and bulk accept leaves that image to the annotator."""
    classes = ("rare", "common")
    origin = tune_thresholds(classes, np.zeros((0, 2)), np.zeros((0, 2), dtype=bool),
                             np.ones(2, dtype=bool), 0.5, {"rare": 0.05})
    scores = np.array([[0.08, 0.02], [0.005, 0.95], [0.2, 0.5]], dtype=np.float32)
    run = RunScores(1, "run 1", classes, np.arange(3), scores, origin.values,
                    np.zeros(3, dtype=bool), origin)
    s = match_classes(run, list(classes), 3)
    assert s.suggested[:, 0].tolist() == [True, False, True]
    assert s.confident.tolist() == [False, True, False]
