"""The one way a run starts, for the app and the CLI alike. Imports no TensorFlow.

:func:`start_run` freezes the project's labels, records the run, decides its folder
(:func:`vocgui.core.project.runs.run_folder` unless told otherwise) and spawns the child
process for ``job`` (a name in :data:`vocgui.training.child.JOBS`: "train" today; a
cross-validated or a scoring job is one more entry there, started through this same
function). The caller then feeds each event of ``started.process`` to
``started.record`` on the thread that owns the project, and shows it as it likes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vocgui.core.project import Project
from vocgui.core.project.run_recorder import RunRecorder
from vocgui.core.project.runs import run_folder
from vocgui.training import events
from vocgui.training.config import TrainConfig
from vocgui.training.launcher import TrainingProcess


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
        process = TrainingProcess(snapshot, config, folder, env=env, job=job, notify=notify)
    except Exception as exc:  # no python, no disk space...: the run fails, the caller stays
        message = f"Could not start the training process: {exc}"
        recorder.handle(events.finished("failed", message, reason="error"))
        raise RunStartError(run_id, message) from exc
    return StartedRun(run_id, folder, process, recorder)
