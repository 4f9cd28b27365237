"""Label snapshots for training runs, and the runs API fed by real training events."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_project import load_dataset

from vocgui.core.project import LabelSnapshot, Project
from vocgui.core.project.run_recorder import RunRecorder
from vocgui.core.project.runs import pack_snapshot, unpack_snapshot


@pytest.fixture()
def project(voc_sample: Path, tmp_path: Path):
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        yield p


def test_a_snapshot_is_not_affected_by_later_edits(project: Project) -> None:
    snapshot = project.snapshot()
    frozen = snapshot.frame.copy(deep=True)
    project.add_label(np.arange(100), "dog")
    project.delete_class("person")
    project.set_labels([0], [])
    assert snapshot.frame.equals(frozen)
    assert "person" in snapshot.classes and "person" not in project.classes
    assert snapshot.frame["path"][0] == str(project.absolute_path(0))
    assert list(snapshot.frame.columns) == ["row", "path", "labels", "split"]


def test_snapshot_csv_round_trips_awkward_names(project: Project, tmp_path: Path) -> None:
    awkward = ["with space", "comma, inside", 'quote " inside', "apostrophe's", "[bracket]",
               "ünïcødé", "semi;colon"]
    for i, name in enumerate(awkward):
        project.add_label([i, i + 1], name)
    project.set_labels([50], [])
    project.add_class("unused class")
    snapshot = project.snapshot()
    snapshot.to_csv(tmp_path / "snap.csv")
    back = LabelSnapshot.from_csv(tmp_path / "snap.csv")
    assert back.classes == snapshot.classes
    pd.testing.assert_frame_equal(back.frame, snapshot.frame)
    assert back.frame["labels"][50] == ()
    np.testing.assert_array_equal(back.label_matrix(), project.labels)


def test_from_csv_names_a_file_that_is_not_a_snapshot(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("filename,labels\na.jpg,cat\n")
    with pytest.raises(ValueError, match=r"x\.csv is not a vocgui label snapshot"):
        LabelSnapshot.from_csv(tmp_path / "x.csv")


def test_run_recorder_records_real_training_events(project: Project, tmp_path: Path) -> None:
    snapshot = project.snapshot()
    run_id = project.create_run({"model": "tiny_cnn", "epochs": 2, "lr": 1e-3}, snapshot)
    project.add_label([0, 1], "dog")  # edits after the snapshot must not change y_true
    recorder = RunRecorder(project, run_id)
    rng = np.random.default_rng(0)
    val_rows = np.array([0, 1, 5, 7], dtype=np.int64)
    scores = rng.random((4, len(snapshot.classes))).astype(np.float32)
    np.savez(tmp_path / "val.npz", rows=val_rows, scores=scores, classes=np.array(snapshot.classes))
    events = [
        {"type": "started", "pid": 1},
        {"type": "batch", "epoch": 0, "batch": 1, "batches": 3, "loss": 0.9},
        {"type": "epoch", "epoch": 0, "epochs": 2, "metrics": {"loss": 0.8, "val_auc": 0.6},
         "seconds": 1.0},
        {"type": "epoch", "epoch": 1, "epochs": 2,
         "metrics": {"loss": np.float32(0.5), "val_auc": 0.7}, "seconds": 1.0},
        {"type": "predictions", "file": str(tmp_path / "val.npz"), "n": 4, "split": "val"},
        {"type": "log", "message": "done", "level": "info"},
        {"type": "finished", "status": "completed", "message": "2 epochs",
         "model_path": str(tmp_path / "model.keras"), "reason": "completed"},
    ]
    for event in events:
        recorder.handle(event)
    run = project.run(run_id)
    assert run["status"] == "completed" and run["model_path"].endswith("model.keras")
    assert run["config"]["model"] == "tiny_cnn" and run["message"] == "2 epochs"
    assert [e["epoch"] for e in run["epochs"]] == [0, 1]
    assert run["epochs"][1]["loss"] == pytest.approx(0.5)
    assert run["snapshot"].frame.equals(snapshot.frame)
    predictions = project.predictions(run_id)
    np.testing.assert_array_equal(predictions.rows, val_rows)
    np.testing.assert_array_equal(predictions.scores, scores)
    assert predictions.classes == snapshot.classes
    np.testing.assert_array_equal(predictions.y_true, snapshot.label_matrix()[val_rows])
    runs = project.runs()
    assert runs["id"].tolist() == [run_id] and runs["n_epochs"].tolist() == [2]
    with pytest.raises(KeyError, match="split 'test'"):
        project.predictions(run_id, "test")


def test_runs_survive_reopening_and_bad_input_is_named(project: Project, tmp_path: Path) -> None:
    run_id = project.create_run({"model": "x"}, project.snapshot())
    project.log_epoch(run_id, 0, {"loss": 1.0})
    with pytest.raises(ValueError, match="unknown run status"):
        project.finish_run(run_id, "exploded")
    with pytest.raises(KeyError, match="no run 99"):
        project.log_epoch(99, 0, {})
    (tmp_path / "bad.npz").write_bytes(b"not an npz")
    with pytest.raises(ValueError, match=r"bad\.npz: unusable predictions file"):
        RunRecorder(project, run_id).handle({"type": "predictions",
                                             "file": str(tmp_path / "bad.npz")})
    project.finish_run(run_id, "stopped", message="user stopped")
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as again:
        assert again.run(run_id)["status"] == "stopped"
        assert again.run(run_id)["epochs"] == [{"epoch": 0, "loss": 1.0}]


def test_the_project_keeps_the_snapshot_in_the_one_encoding(project: Project) -> None:
    project.add_label([3], 'quote " and, comma')
    snapshot = project.snapshot()
    blob = pack_snapshot(snapshot)
    assert zlib.decompress(blob).decode() == snapshot.to_text()
    back = unpack_snapshot(blob)
    assert back.classes == snapshot.classes
    pd.testing.assert_frame_equal(back.frame, snapshot.frame)


def test_runs_recorded_in_the_older_json_form_still_read(project: Project) -> None:
    snapshot = project.snapshot()
    frame = snapshot.frame
    legacy = zlib.compress(json.dumps({
        "classes": list(snapshot.classes), "row": frame["row"].tolist(),
        "path": frame["path"].tolist(), "labels": [list(t) for t in frame["labels"]],
        "split": frame["split"].tolist()}).encode(), 3)
    back = unpack_snapshot(legacy)
    assert back.classes == snapshot.classes
    pd.testing.assert_frame_equal(back.frame, snapshot.frame)
