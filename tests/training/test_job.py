"""Real (tiny) training runs on the demo dataset: learning, outputs, exclusions, Stop, NaN."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from vocgui.training.config import Augment, defaults_for
from vocgui.training.job import run_training
from vocgui.training.reporter import CollectingReporter

pytestmark = pytest.mark.slow


def tiny(backbone: str = "small_cnn", **changes):
    """The small CNN at 64 px without augmentation: seconds per run on a CPU."""
    return defaults_for(backbone, **{"target_size": 64, "batch_size": 16, "epochs": 1,
                                     "augment": Augment.off(), **changes})


def test_f1_improves_over_training(demo_snapshot, tmp_path):
    reporter = CollectingReporter()
    result = run_training(demo_snapshot, tiny(epochs=10, learning_rate=3e-3), tmp_path,
                          reporter)
    assert result.status == "completed", result.message
    epochs = [e["metrics"] for e in reporter.of_type("epoch")]
    assert len(epochs) == 10
    assert epochs[-1]["val_loss"] < epochs[0]["val_loss"]
    assert epochs[-1]["f1_micro"] > epochs[0]["f1_micro"] + 0.2
    assert epochs[-1]["map"] > epochs[0]["map"]
    # every batch of the last epoch reported, and the validation set predicted whole
    started = reporter.of_type("started")[0]
    assert reporter.of_type("batch")[-1]["batch"] == started["batches"]
    assert epochs[-1]["n_samples"] == started["n_val"]


def test_run_writes_its_files_and_trains_negatives(demo_snapshot, tmp_path):
    reporter = CollectingReporter()
    result = run_training(demo_snapshot, tiny(imbalance="sample_weights"), tmp_path, reporter)
    assert result.status == "completed", result.message
    started = reporter.of_type("started")[0]
    frame = demo_snapshot.frame
    train = frame[frame["split"] == "train"]
    assert started["split"] == "official" and started["n_train"] == len(train)
    assert started["n_negatives"] == sum(len(lbl) == 0 for lbl in train["labels"]) > 0
    assert started["batches"] == -(-len(train) // 16)  # negatives are in the batches
    npz = np.load(tmp_path / "predictions.npz")
    val = frame[frame["split"] == "val"]
    np.testing.assert_array_equal(npz["rows"], val["row"].to_numpy())
    assert npz["scores"].dtype == np.float32
    assert npz["scores"].shape == (len(val), len(demo_snapshot.classes))
    assert list(npz["classes"]) == list(demo_snapshot.classes)
    assert "y_true" not in npz.files  # the labels are kept once, in the run's snapshot
    assert json.loads((tmp_path / "config.json").read_text())["imbalance"] == "sample_weights"
    assert len(json.loads((tmp_path / "history.json").read_text())) == 1
    assert (tmp_path / "model.keras").is_file()
    assert reporter.of_type("predictions")[0]["file"] == str(tmp_path / "predictions.npz")


def test_corrupt_image_is_excluded_and_reported(damaged_snapshot, tmp_path):
    reporter = CollectingReporter()
    result = run_training(damaged_snapshot, tiny(pipeline="tfdata", imbalance="pos_weight"),
                          tmp_path, reporter)
    assert result.status == "completed", result.message
    [excluded] = reporter.of_type("excluded")
    assert excluded["file"] == damaged_snapshot.frame.loc[0, "path"]
    assert excluded["row"] == 0 and "truncated" in excluded["reason"]
    started = reporter.of_type("started")[0]
    assert started["n_excluded"] == 1
    assert started["n_train"] + started["n_val"] == len(damaged_snapshot.frame) - 1


def test_stop_mid_epoch_ends_the_run_quickly(demo_snapshot, tmp_path):
    # Stop at the first batch event of epoch 2; 8-image batches make an epoch 12 batches.
    reporter = CollectingReporter(stop_after=lambda e: e["type"] == "batch" and e["epoch"] == 2)
    start = time.monotonic()
    result = run_training(demo_snapshot, tiny(epochs=50, batch_size=8), tmp_path, reporter)
    assert result.status == "stopped"
    assert [e["epoch"] for e in reporter.of_type("epoch")] == [1]
    last_batch = reporter.of_type("batch")[-1]
    assert last_batch["epoch"] == 2 and last_batch["batch"] < last_batch["batches"]
    assert reporter.of_type("finished")[0]["status"] == "stopped"
    assert time.monotonic() - start < 60  # 50 epochs would take far longer
    assert (tmp_path / "model.keras").is_file()


def test_stop_also_cuts_the_validation_pass_short(demo_snapshot):
    import keras

    from vocgui.training.callbacks import StopChecker
    from vocgui.training.data import flow_batches
    from vocgui.training.models import build_model

    frame = demo_snapshot.frame
    batches = flow_batches(list(frame["path"]), list(frame["labels"]), demo_snapshot.classes,
                           target_size=32, batch_size=8, shuffle=False)
    model, _ = build_model("small_cnn", len(demo_snapshot.classes), 32, None)
    reporter = CollectingReporter()
    reporter.request_stop()
    scores = model.predict(batches, verbose=0, callbacks=[StopChecker(reporter)])
    assert len(scores) == 8  # one batch, not all 120 images
    assert isinstance(model, keras.Model)


def test_nan_loss_fails_with_a_clear_message(demo_snapshot, tmp_path):
    reporter = CollectingReporter()
    result = run_training(demo_snapshot, tiny(epochs=3, learning_rate=1e30), tmp_path,
                          reporter)
    assert (result.status, result.reason) == ("failed", "nan_loss")
    assert "Lower the learning rate" in reporter.of_type("finished")[0]["message"]
    assert not (tmp_path / "model.keras").exists()


def test_local_weights_file_then_fine_tuning(demo_snapshot, tmp_path):
    from vocgui.training.models import build_base

    weights_file = tmp_path / "base.weights.h5"
    # The small CNN's base stands in for a pretrained one (same code path, far cheaper).
    build_base("small_cnn", 64, None).save_weights(weights_file)
    reporter = CollectingReporter()
    config = tiny(weights=str(weights_file), fine_tune_blocks=2, fine_tune_epochs=1)
    result = run_training(demo_snapshot, config, tmp_path / "run", reporter)
    assert result.status == "completed", result.message
    assert reporter.of_type("started")[0]["weights"] == str(weights_file)
    assert [e["epoch"] for e in reporter.of_type("epoch")] == [1, 2]
    assert any("fine-tuning the top 2 blocks" in e["message"] for e in reporter.of_type("log"))


def test_mixed_precision_run_restores_the_global_policy(demo_snapshot, tmp_path):
    import keras

    reporter = CollectingReporter()
    result = run_training(demo_snapshot, tiny(target_size=48, mixed_precision=True), tmp_path,
                          reporter)
    assert result.status == "completed", result.message
    assert np.load(tmp_path / "predictions.npz")["scores"].dtype == np.float32
    assert keras.mixed_precision.global_policy().name == "float32"
