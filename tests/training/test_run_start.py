"""The one run-start path: the CLI and the app start runs through ``start_run`` alone."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import vocgui
from vocgui.core.project import Project, RunEvent
from vocgui.training.config import defaults_for
from vocgui.training.run_start import RunStartError, start_run

PACKAGE = Path(vocgui.__file__).parent


def _calls(name: str) -> set[str]:
    """Modules of the package that call ``name(...)`` or ``something.name(...)``."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.add(path.relative_to(PACKAGE).as_posix())
    return found


def test_runs_are_recorded_and_spawned_in_one_place_only():
    assert _calls("TrainingProcess") == {"training/run_start.py"}
    assert _calls("create_run") == {"training/run_start.py"}
    # start_features (a features-only run) is start_run after its weights check.
    assert _calls("start_run") == {"cli/train.py", "qt/training/session.py",
                                   "training/run_start.py"}
    assert _calls("start_scoring") == {"cli/predict.py"}
    assert _calls("start_features") == {"cli/predict.py"}


def test_a_run_that_cannot_spawn_is_recorded_as_failed(demo_root: Path, tmp_path: Path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with Project.create_from_voc(tmp_path / "p.vocgui", demo_root) as project:
        seen: list[RunEvent] = []
        project.run_events.connect(seen.append)
        with pytest.raises(RunStartError) as err:
            start_run(project, defaults_for("small_cnn", epochs=1),
                      out_dir=blocker / "run")
        run = project.run(err.value.run_id)
    assert run["status"] == "failed"
    assert "Could not start the training process" in run["message"]
    assert [e.kind for e in seen] == ["run_started", "run_finished"]


@pytest.mark.slow
def test_a_started_run_records_epochs_predictions_and_its_end(demo_root: Path,
                                                               tmp_path: Path):
    with Project.create_from_voc(tmp_path / "p.vocgui", demo_root) as project:
        seen: list[RunEvent] = []
        project.run_events.connect(seen.append)
        notified = []
        started = start_run(project, defaults_for("small_cnn", epochs=1, target_size=32,
                                                  batch_size=16),
                            notify=lambda: notified.append(1))
        with started.process as process:
            for event in process.events(timeout=300):
                started.record(event)
        assert len(notified) >= 3  # one per event, and one at the end of the stream
        predictions = project.predictions(started.run_id)
        snapshot = project.run(started.run_id)["snapshot"]
    kinds = [e.kind for e in seen]
    # predictions twice: the validation's, then the scoring pass over every image
    assert kinds == ["run_started", "run_epoch", "run_predictions", "run_predictions",
                     "run_finished"]
    assert [e.split for e in seen if e.kind == "run_predictions"] == ["val", "all"]
    assert seen[-1].status == "completed" and seen[1].epoch == 1
    # y_true comes from the run's snapshot, the labels the model was taught
    taught = snapshot.label_matrix()[np.searchsorted(snapshot.frame["row"], predictions.rows)]
    np.testing.assert_array_equal(predictions.y_true, taught)
