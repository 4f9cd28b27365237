"""A truncated JPEG is a problem from the moment the dataset loads, and the app's run
message names it when the run leaves it out (issue 9, item 12); NaN losses show as 'nan'
in the progress line (issue 10, item 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.training import TrainingPanel
from vocgui.qt.training.progress import batch_progress, excluded_summary
from vocgui.training.config import defaults_for


def test_a_nan_loss_shows_as_nan_in_the_progress_line() -> None:
    fraction, text = batch_progress({"type": "batch", "epoch": 1, "epochs": 2, "batch": 1,
                                     "batches": 4, "loss": None, "eta": None})
    assert fraction == pytest.approx(0.125) and "loss nan" in text


def test_the_excluded_images_are_named_then_counted() -> None:
    excluded = [(f"/data/img{i}.jpg", "truncated") for i in range(5)]
    assert excluded_summary([]) == ""
    assert excluded_summary(excluded[:1]) == " Excluded 1 image: img0.jpg (truncated)."
    text = excluded_summary(excluded)
    assert text.startswith(" Excluded 5 images: img0.jpg (truncated), img1.jpg")
    assert text.endswith("and 2 more.")


@pytest.mark.slow
def test_a_truncated_jpeg_is_a_problem_at_load_and_named_in_the_run_message(
        qtbot, demo_root: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(demo_root, tmp_path / "demo"))
    victim = sorted((root / "JPEGImages").glob("*.jpg"))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    project = Project.create_from_voc(tmp_path / "demo.vocgui", root)
    [problem] = [p for p in project.problems if p.kind == "truncated_image"]
    assert problem.file == str(victim)
    row = project.images.index[project.images["filename"] == victim.name][0]
    assert project.images.at[row, "n_problems"] == 1  # the table shows it

    state = AppState()
    state.set_project(project)
    panel = TrainingPanel(state)
    qtbot.addWidget(panel)
    try:
        panel.form.set_config(defaults_for("small_cnn", target_size=48, batch_size=16,
                                           epochs=1))
        with qtbot.waitSignal(panel.run_finished, timeout=180_000) as ended:
            panel.start_button.click()
        status, message = ended.args[1:]
        assert status == "completed", message
        assert f"Excluded 1 image: {victim.name} (" in panel.status_line.text()
    finally:
        panel.shutdown()
        state.set_project(None)
