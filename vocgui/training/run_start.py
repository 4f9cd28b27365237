"""The one way a run starts, for the app and the CLI alike. Imports no TensorFlow.

:func:`start_run` freezes the project's labels, records the run, decides its folder
(:func:`vocgui.core.project.runs.run_folder` unless told otherwise) and spawns the child
process for ``job`` (a name in :data:`vocgui.training.child.JOBS`: "train" today; a
cross-validated or a scoring job is one more entry there, started through this same
function). The caller then feeds each event of ``started.process`` to
``started.record`` on the thread that owns the project, and shows it as it likes.
:func:`start_scoring` starts the other kind of child: the saved model(s) of a finished
run score every image again (``vocgui predict``), recorded as that run's scores.
:func:`start_features` records a run that trains nothing: a pretrained backbone's features
of every image (``vocgui predict --features-only``, the Duplicates tab's "Compute
features"), when its weights are on this machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vocgui.core.embedding_map import runs_with_features
from vocgui.core.project import Project
from vocgui.core.project.run_recorder import RunRecorder
from vocgui.core.project.runs import run_folder
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.launcher import TrainingProcess
from vocgui.training.score_list import SCORE_LIST, write_score_list
from vocgui.training.weights import missing_local_weights

#: The backbone of a "features only" pass, and its input side: the ImageNet resolution.
FEATURES_BACKBONE = "mobilenetv3"
FEATURES_SIZE = 224


class RunStartError(RuntimeError):
    """The run was recorded, but its process could not be started; the run is 'failed'."""

    def __init__(self, run_id: int, message: str) -> None:
        super().__init__(message)
        self.run_id = run_id


@dataclass
class StartedRun:
    """A recorded run whose child process is running."""

    run_id: int
    out_dir: Path
    process: TrainingProcess
    recorder: RunRecorder

    def record(self, event: dict) -> None:
        """Record one of the process's events in the project (see :class:`RunRecorder`)."""
        self.recorder.handle(event)


def start_run(project: Project, config: TrainConfig, *, out_dir: str | os.PathLike | None = None,
              job: str = "train", env: dict[str, str] | None = None,
              notify: Callable[[], None] | None = None) -> StartedRun:
    """Record a run of ``config`` on a snapshot of ``project``'s labels and start it.

    ``notify`` is handed to :class:`TrainingProcess` (called on its reader thread when
    events wait). Raises ProjectError if the run cannot be recorded (nothing started), and
    :class:`RunStartError` if the process cannot be spawned (the run is recorded as
    failed, with the reason).
    """
    # Frozen first: the annotator keeps editing while the run trains on this copy.
    snapshot = project.snapshot()
    run_id = project.create_run(config.to_dict(), snapshot)
    recorder = RunRecorder(project, run_id)
    folder = Path(out_dir) if out_dir is not None else run_folder(Path(project.path), run_id)
    try:
        # Every image, labeled or not: the completed run's model scores them all.
        folder.mkdir(parents=True, exist_ok=True)
        write_score_list(folder / SCORE_LIST, *project.image_list())
        process = TrainingProcess(snapshot, config, folder, env=env, job=job, notify=notify,
                                  job_args={"score": str(folder / SCORE_LIST)})
    except Exception as exc:  # no python, no disk space...: the run fails, the caller stays
        message = f"Could not start the training process: {exc}"
        recorder.handle(events.finished("failed", message, reason="error"))
        raise RunStartError(run_id, message) from exc
    return StartedRun(run_id, folder, process, recorder)


def start_scoring(project: Project, run: dict, *, env: dict[str, str] | None = None,
                  notify: Callable[[], None] | None = None) -> StartedRun:
    """Score every image of ``project`` with the model(s) of ``run`` (``project.run(id)``).

    The child runs in ``<run folder>/predict`` (the run's own files stay as training left
    them) and its scores replace the run's (split "all"); nothing else of the run is
    touched. Raises :class:`RunStartError` if the process cannot be spawned.
    """
    run_id = int(run["id"])
    folder = run_folder(Path(project.path), run_id) / "predict"
    recorder = RunRecorder(project, run_id, scores_only=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_score_list(folder / SCORE_LIST, *project.image_list())
        process = TrainingProcess(
            run["snapshot"], TrainConfig.from_dict(run["config"]), folder, env=env,
            job="score", notify=notify,
            job_args={"score": str(folder / SCORE_LIST), "models": model_files(run),
                      "in_sample": in_sample_rows(project, run),
                      "reference": validation_paths(project, run)})
    except Exception as exc:  # no python, no disk space...
        raise RunStartError(run_id, f"Could not start the scoring process: {exc}") from exc
    return StartedRun(run_id, folder, process, recorder)


class FeaturesUnavailable(RuntimeError):
    """A "features only" pass cannot run here; the message says why and what to do."""


def features_fallback(project: Project) -> str:
    """What the user has instead of a features-only pass: the newest run's features."""
    runs = runs_with_features(project)
    if runs:
        return (f"Until then, the features of run {runs[0]} (the newest run that has them) "
                "are used by the Map, Duplicates and Find Similar.")
    return ("No run has features yet either: a completed training run saves them "
            "(its scoring pass), with no download.")


def features_config(backbone: str = FEATURES_BACKBONE, target_size: int = FEATURES_SIZE
                    ) -> TrainConfig:
    """The settings of a "features only" run (its config in the project says so: weights
    "imagenet", no epochs trained)."""
    return TrainConfig(backbone=backbone, weights="imagenet", target_size=target_size,
                       epochs=1, pipeline="tfdata")


def check_features_weights(project: Project, backbone: str = FEATURES_BACKBONE) -> None:
    """Raise :class:`FeaturesUnavailable` when ``backbone``'s ImageNet weights are not on
    this machine, naming the file, where it goes, and the fallback (no network used)."""
    missing = missing_local_weights(backbone)
    if missing is not None:
        raise FeaturesUnavailable(f"Cannot compute features: {missing}. "
                                  f"{features_fallback(project)}")


def start_features(project: Project, backbone: str = FEATURES_BACKBONE,
                   target_size: int = FEATURES_SIZE, *, env: dict[str, str] | None = None,
                   notify: Callable[[], None] | None = None) -> StartedRun:
    """Record a "features only" run and start its child: ``backbone`` with its cached
    ImageNet weights writes ``features.npy`` for every image, no training.

    Raises :class:`FeaturesUnavailable` (nothing recorded or started) when the weights
    are not on this machine (:func:`check_features_weights`)."""
    check_features_weights(project, backbone)
    return start_run(project, features_config(backbone, target_size), job="features",
                     env=env, notify=notify)


def model_files(run: dict) -> list[str]:
    """The run's model files: one, or one per fold of a cross-validated run (whose
    ``model_path`` is fold 1's, in ``<run folder>/fold-1/``)."""
    folds = int(run["config"].get("folds") or 0)
    if folds < 2:
        return [str(run["model_path"])]
    first = Path(run["model_path"])
    return [str(first.parent.parent / f"fold-{k}" / first.name) for k in range(1, folds + 1)]


def in_sample_rows(project: Project, run: dict) -> list[int]:
    """Images the run's model trained on: its snapshot minus its validation images (all
    of them for a cross-validated run: each trained K-1 of its models)."""
    trained = run["snapshot"].frame["row"].to_numpy(dtype=np.int64)
    if "val" in run["prediction_splits"] and not run["config"].get("folds"):
        trained = np.setdiff1d(trained, project.predictions(run["id"], "val").rows)
    return trained.tolist()


def validation_paths(project: Project, run: dict) -> list[str]:
    """The run's validation images, whose resize decision its scoring pass reuses."""
    if "val" not in run["prediction_splits"]:
        return []
    paths = project.absolute_paths()
    return [paths[r] for r in project.predictions(run["id"], "val").rows]
