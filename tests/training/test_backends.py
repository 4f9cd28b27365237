"""A small model trains for real on every Keras 3 backend installed here (CI installs JAX
beside TensorFlow); on JAX through keras.distribution.DataParallel over two devices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vocgui.training.config import BACKENDS, Augment, defaults_for
from vocgui.training.devices import backend_available
from vocgui.training.job import run_training
from vocgui.training.launcher import TrainingProcess
from vocgui.training.reporter import CollectingReporter
from vocgui.training.score_list import write_score_list

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
#: Two CPU devices for JAX: the data-parallel path of a multi-GPU machine, on a CPU.
TWO_JAX_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}


def _need(backend: str) -> None:
    if not backend_available(backend):
        pytest.skip(f"the {backend} backend is not installed")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_small_model_trains_on_each_installed_backend(backend, demo_snapshot, tmp_path):
    _need(backend)
    config = defaults_for("small_cnn", target_size=32, batch_size=16, epochs=1,
                          augment=Augment.off(), pipeline="flow", backend=backend)
    env = TWO_JAX_DEVICES if backend == "jax" else None
    job_args = None
    if backend == "jax":  # the scoring pass too: 99 images end in a batch of 3 for 2 devices
        scored = demo_snapshot.frame.head(99)
        write_score_list(tmp_path / "score.csv", scored["row"], list(scored["path"]))
        job_args = {"score": str(tmp_path / "score.csv")}
    with TrainingProcess(demo_snapshot, config, tmp_path, env=env,
                         job_args=job_args) as process:
        events = list(process.events(timeout=600))
    finished = events[-1]
    assert finished["status"] == "completed", finished["message"]
    started = next(e for e in events if e["type"] == "started")
    assert started["setup"]["device"]["backend"] == backend
    assert started["config"]["backend"] == backend
    if backend == "jax":
        assert started["setup"]["strategy"] == "DataParallel"
        assert started["setup"]["replicas"] == 2 and started["setup"]["global_batch"] == 32
        # the padding of the last batch is dropped: one score per listed image, in order
        with np.load(tmp_path / "scores.npz") as npz:
            np.testing.assert_array_equal(npz["rows"], scored["row"].to_numpy())
            assert npz["scores"].shape == (99, len(demo_snapshot.classes))
    predictions = next(e for e in events if e["type"] == "predictions")
    assert predictions["n"] == started["n_val"]
    assert json.loads((tmp_path / "config.json").read_text())["backend"] == backend
    assert (tmp_path / "model.keras").is_file()


def test_flow_needs_no_tensorflow_and_tfdata_says_it_does(demo_snapshot):
    _need("jax")
    frame = demo_snapshot.frame.head(8)
    script = f"""
import sys
sys.modules["tensorflow"] = None  # as if it were not installed
import vocgui.training.job  # the whole job (scoring, cross-validation) imports without it
from vocgui.training.config import ConfigError
from vocgui.training.data import make_batches
args = ({list(frame['path'])!r}, {[list(v) for v in frame['labels']]!r},
        {list(demo_snapshot.classes)!r})
kw = dict(target_size=32, batch_size=4, shuffle=True)
x, y = make_batches("flow", *args, **kw)[1]
print("flow", x.shape, y.shape)
try:
    make_batches("tfdata", *args, **kw)
except ConfigError as exc:
    print("tfdata:", exc)
"""
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"flow (4, 32, 32, 3) (4, {len(demo_snapshot.classes)})" in out.stdout
    assert "tfdata: the tfdata pipeline needs TensorFlow" in out.stdout


def test_a_run_on_another_backend_than_the_process_fails_clearly(demo_snapshot, tmp_path):
    config = defaults_for("small_cnn", target_size=32, epochs=1, backend="jax")
    result = run_training(demo_snapshot, config, tmp_path, CollectingReporter())
    assert result.reason == "bad_config"
    assert "KERAS_BACKEND=jax" in result.message
