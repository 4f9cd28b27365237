"""The Duplicates tab on real images with planted copies: find, show, act, undo; and the
Training tab's warning before a run that would validate on near-copies."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from duplicates_helpers import (  # noqa: E402
    LEAKING,
    PLANTED,
    colour_histograms,
    plant_feature_only_leak,
    planted_voc,
    record_features_run,
    thumbnail_features,
)

from vocgui.core.project import Project  # noqa: E402
from vocgui.qt.app_state import AppState  # noqa: E402
from vocgui.qt.duplicates import DuplicatesPanel  # noqa: E402
from vocgui.qt.duplicates.group_tree import ROW_ROLE  # noqa: E402


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return planted_voc(tmp_path_factory.mktemp("dups"))[0]


@pytest.fixture
def state(qtbot, planted: Path, tmp_path: Path):
    state = AppState()
    state.set_project(Project.create_from_voc(tmp_path / "p.vocgui", planted, workers=1))
    yield state
    state.set_project(None)


def _find(qtbot, panel: DuplicatesPanel) -> None:
    with qtbot.waitSignal(panel.call.done, timeout=60_000):
        panel.find()


def test_groups_are_found_shown_and_resolved_with_undo(qtbot, state):
    panel = DuplicatesPanel(state)
    qtbot.addWidget(panel)
    _find(qtbot, panel)
    assert panel.tree.topLevelItemCount() == len(PLANTED)
    assert "1 leak across splits" in panel.status.text()
    first = panel.tree.topLevelItem(0)
    assert first.text(0).startswith("Leak · 2 images")  # leaks first
    names = {first.child(k).text(0) for k in range(first.childCount())}
    assert f"{LEAKING[0]}.jpg" in names
    assert {first.child(k).text(1) for k in range(2)} == {"train", "val"}
    # Picking an image makes it the current one.
    leak_row = int(first.child(1).data(0, ROW_ROLE))
    panel.tree.setCurrentItem(first.child(1))
    assert state.current_row == leak_row
    assert state.project.image_hash_cache().known.all()  # kept in the project

    panel.show_box.setCurrentIndex(1)  # leaks only
    assert panel.tree.topLevelItemCount() == 1
    panel.same_split()
    assert state.undo_stack.undoText() == "Put each of 1 duplicate group in one split"
    assert state.project.images["split"].iat[leak_row] == "train"
    assert panel.tree.topLevelItemCount() == 0  # the list follows the edit: no leak left
    state.undo_stack.undo()
    assert state.project.images["split"].iat[leak_row] == "val"
    assert panel.tree.topLevelItemCount() == 1

    panel.show_box.setCurrentIndex(0)
    panel.tree.topLevelItem(0).setSelected(True)
    panel.flag()
    flagged = np.flatnonzero(state.project.images["review"] == "flagged")
    assert set(flagged) == set(panel.report.groups[0].rows)
    panel.tree.clearSelection()
    panel.exclude_copies()
    excluded = np.flatnonzero(state.project.images["split"] == "excluded")
    assert len(excluded) == len(PLANTED)
    assert len(state.project.snapshot().frame) == len(state.project.images) - len(PLANTED)


def test_a_run_with_features_finds_embedding_near_copies(qtbot, state):
    run = record_features_run(state.project, thumbnail_features(state.project.absolute_paths()))
    panel = DuplicatesPanel(state)
    qtbot.addWidget(panel)
    panel.threshold.setValue(0)  # hashes miss the resized and cropped copies at 0 bits
    panel.similarity.setValue(0.95)  # these stand-in features link copies at 0.96 or more
    _find(qtbot, panel)
    assert panel.tree.topLevelItemCount() == len(PLANTED)
    assert f"(hashes and run {run}'s features)" in panel.status.text()
    captions = [panel.tree.topLevelItem(k).text(0)
                for k in range(panel.tree.topLevelItemCount())]
    assert sum("(features: cosine" in c for c in captions) == 2
    panel.use_features.setChecked(False)
    assert not panel.similarity.isEnabled()
    _find(qtbot, panel)
    assert panel.tree.topLevelItemCount() == len(PLANTED) - 2
    assert "(hashes only)" in panel.status.text()


def test_compute_features_without_local_weights_names_the_file(qtbot, state, tmp_path,
                                                                monkeypatch):
    from vocgui.training.weights import CACHE_FILES

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    run = record_features_run(state.project, thumbnail_features(state.project.absolute_paths()))
    panel = DuplicatesPanel(state)
    qtbot.addWidget(panel)
    panel.compute_features()
    text = panel.status.text()
    assert CACHE_FILES["mobilenetv3"] in text and str(tmp_path / "models") in text
    assert f"the features of run {run} (the newest run that has them) are used" in text
    assert not panel.features.running and list(state.project.runs()["id"]) == [run]


def test_training_asks_before_validating_on_near_copies(qtbot, tmp_path, monkeypatch):
    from vocgui.qt.training import TrainingPanel
    from vocgui.training.config import defaults_for

    root, ids = planted_voc(tmp_path / "data")
    plant_feature_only_leak(root, ids)  # a copy in 'val' that only features find
    state = AppState()
    state.set_project(Project.create_from_voc(tmp_path / "p.vocgui", root, workers=1))
    panel = DuplicatesPanel(state)
    qtbot.addWidget(panel)
    _find(qtbot, panel)  # the hashes are cached
    run = record_features_run(state.project, colour_histograms(state.project.absolute_paths()))
    training = TrainingPanel(state)
    qtbot.addWidget(training)
    training.form.set_config(defaults_for("small_cnn", target_size=32, epochs=1))
    asked, answers = [], [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def answer(_parent, title, text):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", answer)
    try:
        training.start()
        training.stop()  # while it counts: nothing starts, and nothing is asked
        assert training.status_line.text() == "Not started: stopped while checking for copies."
        assert training.start_button.isEnabled() and not training.leak_gate.running
        training.start()
        # The count runs on a pool thread: Start waits for it, the GUI thread goes on.
        assert asked == [] and not training.start_button.isEnabled()
        assert training.progress.format().startswith("Checking for validation images")
        qtbot.waitUntil(lambda: training.start_button.isEnabled(), timeout=30_000)
        assert len(asked) == 1 and asked[0].startswith(
            "2 validation or test images have near-copies on another side of the split: "
            f"1 by hash, 1 by image features (run {run}).")
        assert training.session is None and list(state.project.runs()["id"]) == [run]
        assert training.status_line.text() == f"Not started: {asked[0].split('. ')[0]}."
        with qtbot.waitSignal(training.run_started, timeout=30_000):  # "Yes": it starts
            training.start()
        assert len(asked) == 2 and training.session is not None
        os.kill(training.session.pid, signal.SIGKILL)  # its training is not this test's
    finally:
        training.shutdown()
        state.set_project(None)
