"""A real training run for the review tests: the demo dataset, a project file, and a
small CNN trained for real in a child process (as the app does: the test process never
imports TensorFlow), its events recorded into the project.

The trained project is built once per test session; each test gets its own copy, so
label edits in one test do not leak into another.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from vocgui.core.demo import write_demo
from vocgui.core.project import Project
from vocgui.training.config import Augment, TrainConfig
from vocgui.training.run_start import start_run

#: Demo images: enough that the validation split has a few dozen images.
N_IMAGES = 240
#: Two runs, so the comparison has something to compare.
RUN_EPOCHS = (2, 3)
#: Seconds without any event before a run counts as hung.
EVENT_TIMEOUT = 300

_built: dict[str, Path] = {}


def _train(project: Project, out_dir: Path, epochs: int) -> int:
    config = TrainConfig(backbone="small_cnn", epochs=epochs, batch_size=16, target_size=64,
                         weights="none", augment=Augment.off(), workers=1, seed=epochs)
    started = start_run(project, config, out_dir=out_dir)
    finished = None
    with started.process as process:
        for event in process.events(timeout=EVENT_TIMEOUT):
            started.record(event)
            if event["type"] == "finished":
                finished = event
    if finished is None or finished["status"] != "completed":
        pytest.fail(f"the review test run did not complete: {finished}")
    return started.run_id


def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project file holding two real runs (built once per session; do not edit it)."""
    if "path" not in _built:
        base = tmp_path_factory.mktemp("review_run")
        root = write_demo(base / "demo", n_images=N_IMAGES, seed=3)
        path = base / "review.vocgui"
        with Project.create_from_voc(path, root) as project:
            for epochs in RUN_EPOCHS:
                _train(project, base / f"run_{epochs}", epochs)
        _built["path"] = path
    return _built["path"]


def project_copy(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of the trained project for one test."""
    copy = tmp_path / "review.vocgui"
    shutil.copyfile(trained_project(tmp_path_factory), copy)
    return copy


def chance_level_project(demo_root: Path, path: Path) -> Path:
    """A project whose one run is a chance-level model: uniform random scores on its 22
    validation images (as in issue 9), recorded the way the training events record them.
    Its classes include "absent", which no image carries."""
    with Project.create_from_voc(path, demo_root) as project:
        project.add_class("absent")
        snapshot = project.snapshot()
        run_id = project.create_run({"backbone": "small_cnn", "threshold": 0.5}, snapshot)
        rows = np.flatnonzero(project.images["split"].to_numpy() == "val")[:22]
        scores = np.random.default_rng(7).random((len(rows), len(project.classes)))
        project.save_predictions(run_id, rows, list(project.classes), scores)
        project.finish_run(run_id, "completed", message="chance level")
    return path
