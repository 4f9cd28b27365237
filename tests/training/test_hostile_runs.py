"""Training faults from hostile input: images the pipeline cannot decode, images deleted
mid-run, NaN and infinite learning rates, NaN losses in the progress printer (issue 10,
items 5, 6, 7)."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from vocgui.cli.main import main
from vocgui.cli.train import ProgressPrinter
from vocgui.core.project import LabelSnapshot, Project
from vocgui.training.config import ConfigError, TrainConfig
from vocgui.training.validate import check_snapshot, image_problem


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 0.0])
@pytest.mark.parametrize("name", ["learning_rate", "fine_tune_lr"])
def test_non_finite_learning_rates_are_refused(name: str, value: float) -> None:
    with pytest.raises(ConfigError, match=f"{name} must be a positive finite number"):
        TrainConfig(**{name: value})


@pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
def test_cli_refuses_a_nan_learning_rate_before_training(text: str, tmp_path: Path,
                                                         capsys) -> None:
    assert main(["train", str(tmp_path), f"--learning-rate={text}"]) == 2
    assert "learning_rate must be a positive finite number" in capsys.readouterr().err


def test_the_pre_check_refuses_what_the_pipeline_cannot_decode(tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    Image.new("RGB", (40, 30), (10, 20, 30)).save(tiff, "TIFF")
    reason = image_problem(str(tiff), "tfdata")
    assert reason is not None and "TIFF" in reason and "flow" in reason
    assert image_problem(str(tiff), "flow") is None  # Pillow decodes TIFF
    checked = check_snapshot([str(tiff)], [("cat",)], ["cat"], pipeline="tfdata")
    assert [Path(p).name for _, p, _ in checked.excluded] == ["scan.tif"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_the_pre_check_never_opens_a_fifo_for_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    assert "FIFO" in image_problem(str(fifo))  # returns at once instead of blocking


def test_the_progress_printer_shows_nan_for_non_finite_values() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out)
    printer.handle({"type": "batch", "epoch": 1, "epochs": 2, "batch": 3, "batches": 3,
                    "loss": None, "eta": None})
    printer.handle({"type": "epoch", "epoch": 1, "epochs": 2, "seconds": 1.0, "metrics": {
        "loss": None, "val_loss": None, "f1_micro": 0.5, "f1_macro": None, "map": None}})
    lines = out.getvalue().splitlines()
    assert "loss nan" in lines[0]
    assert "loss nan val_loss nan F1 micro 0.500 macro nan mAP n/a" in lines[1]


@pytest.fixture
def copied_snapshot(demo_snapshot: LabelSnapshot, tmp_path: Path) -> LabelSnapshot:
    """The demo snapshot with its images copied to tmp (the tests change them)."""
    frame = demo_snapshot.frame.copy()
    folder = tmp_path / "images"
    folder.mkdir()
    frame["path"] = [shutil.copy(path, folder) for path in frame["path"]]
    return LabelSnapshot(classes=demo_snapshot.classes, frame=frame)


@pytest.mark.slow
def test_a_tiff_is_excluded_by_name_from_a_tfdata_run(copied_snapshot: LabelSnapshot,
                                                      tmp_path: Path) -> None:
    from test_job import tiny

    from vocgui.training.job import run_training
    from vocgui.training.reporter import CollectingReporter

    frame = copied_snapshot.frame
    jpeg = Path(frame.loc[0, "path"])
    tiff = jpeg.with_suffix(".tif")
    Image.open(jpeg).save(tiff, "TIFF")
    frame.loc[0, "path"] = str(tiff)
    reporter = CollectingReporter()
    result = run_training(copied_snapshot, tiny(pipeline="tfdata"), tmp_path / "run", reporter)
    assert result.status == "completed", result.message
    [excluded] = reporter.of_type("excluded")
    assert excluded["file"] == str(tiff) and "TIFF" in excluded["reason"]


@pytest.mark.slow
@pytest.mark.parametrize("pipeline", ["tfdata", "flow"])
def test_an_image_deleted_mid_run_stops_it_cleanly_naming_the_file(
        copied_snapshot: LabelSnapshot, tmp_path: Path, pipeline: str) -> None:
    from test_job import tiny

    from vocgui.training.job import run_training
    from vocgui.training.reporter import CollectingReporter

    victims = [Path(p) for p in copied_snapshot.frame["path"]]

    def delete_on_first_batch(event: dict) -> bool:
        if event["type"] == "batch" and victims[0].exists():
            for path in victims:  # every image: whichever the pipeline reads next is gone
                path.unlink()
        return False

    reporter = CollectingReporter(stop_after=delete_on_first_batch)
    result = run_training(copied_snapshot, tiny(epochs=2, pipeline=pipeline), tmp_path / "run",
                          reporter)
    assert (result.status, result.reason) == ("failed", "image_changed"), result.message
    assert "120 images changed during the run" in result.message
    assert sum(str(path) in result.message for path in victims) == 5  # the first five named
    assert "NotFoundError" not in result.message and "UnknownError" not in result.message
    excluded = reporter.of_type("excluded")
    assert {e["file"] for e in excluded} == {str(p) for p in victims}
    assert all("file not found" in e["reason"] for e in excluded)


@pytest.mark.slow
def test_cli_reports_a_nan_loss_and_records_the_run_failed(demo_root: Path, tmp_path: Path,
                                                           capsys) -> None:
    project_file = tmp_path / "demo.vocgui"
    code = main(["train", str(demo_root), "--epochs", "1", "--target-size", "48",
                 "--learning-rate", "1e30", "--project-file", str(project_file)])
    captured = capsys.readouterr()
    assert code == 1, captured
    assert "loss became NaN" in captured.err and "Traceback" not in captured.err
    with Project.open(project_file, read_only=True) as project:
        assert project.runs()["status"].tolist() == ["failed"]
