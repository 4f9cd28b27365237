"""Opening projects off the GUI thread: VOC folders, project files, the demo, cancel and
failures, with real files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from main_window_helpers import LOAD_TIMEOUT_MS, use_private_data_dir

from vocgui.core.project import Project
from vocgui.core.project.location import demo_paths, project_path_for_folder
from vocgui.qt import loading
from vocgui.qt.loading import ProjectLoader, is_openable


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_private_data_dir(tmp_path, monkeypatch)


def load(qtbot, target: Path | None) -> Project:
    loader = ProjectLoader()
    main_thread = threading.get_ident()
    progress: list[tuple[int, int, str]] = []
    loader.progress.connect(lambda d, t, w: progress.append((d, t, w)))
    with qtbot.waitSignal(loader.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        assert loader.start_loading(target)
        assert not loader.start_loading(target)  # one load at a time
    loader.wait()
    assert progress, "no progress was reported"
    assert threading.get_ident() == main_thread
    return loaded.args[0]


def test_a_voc_folder_gets_a_project_file_in_the_data_folder(qtbot, voc_sample, data_dir):
    project = load(qtbot, voc_sample)
    path = Path(project.path)
    assert path == project_path_for_folder(voc_sample) and path.is_file()
    assert data_dir in path.parents
    assert not list(voc_sample.rglob("*.vocgui"))  # nothing written into the dataset
    assert len(project.images) == 100
    project.set_review([0], "flagged")
    project.close()
    again = load(qtbot, voc_sample)  # the same folder reopens its project
    assert Path(again.path) == path and again.images.review[0] == "flagged"
    again.close()
    by_file = load(qtbot, path)  # and the project file opens directly
    assert by_file.images.review[0] == "flagged"
    by_file.close()


def test_two_folders_with_the_same_name_get_different_projects(tmp_path, data_dir):
    a, b = tmp_path / "x" / "VOC", tmp_path / "y" / "VOC"
    assert project_path_for_folder(a) != project_path_for_folder(b)
    assert project_path_for_folder(a).name.startswith("VOC-")


def test_cancel_stops_loading_and_writes_no_project(qtbot, voc2012_annotations, data_dir):
    loader = ProjectLoader()
    loaded, progress = [], []
    loader.loaded.connect(loaded.append)
    loader.progress.connect(lambda done, total, _what: progress.append((done, total)))
    # Cancel when the first progress arrives: early in the 17,125 files.
    loader.progress.connect(lambda *_: loader.cancel())
    with qtbot.waitSignal(loader.cancelled, timeout=LOAD_TIMEOUT_MS):
        loader.start_loading(voc2012_annotations)
    loader.wait()
    assert not loaded
    assert all(done < total for done, total in progress if total)  # stopped part-way
    assert not project_path_for_folder(voc2012_annotations).exists()


def test_failures_arrive_as_messages_naming_the_file(qtbot, tmp_path, data_dir):
    not_a_project = tmp_path / "notes.vocgui"
    not_a_project.write_text("not a database")
    for target in (not_a_project, tmp_path / "missing.vocgui"):
        loader = ProjectLoader()
        with qtbot.waitSignal(loader.failed, timeout=LOAD_TIMEOUT_MS) as failed:
            loader.start_loading(target)
        loader.wait()
        assert str(target) in failed.args[0]


def test_first_run_makes_and_opens_the_demo(qtbot, data_dir, monkeypatch):
    monkeypatch.setattr(loading, "DEMO_IMAGES", 30)  # the real generator, fewer images
    monkeypatch.setattr("vocgui.core.demo.DEMO_UNLABELED", 4)
    project = load(qtbot, None)
    root, project_path = demo_paths()
    assert Path(project.path) == project_path and len(project.images) == 34
    assert project.n_unlabeled == 4  # the demo's part to label with the model's help
    assert (root / "Annotations").is_dir() and not root.with_name("demo.partial").exists()
    project.close()
    again = load(qtbot, None)  # made once, then reopened
    assert Path(again.path) == project_path
    again.close()


def test_what_can_be_dropped(tmp_path):
    (tmp_path / "p.vocgui").write_text("")
    (tmp_path / "a.txt").write_text("")
    assert is_openable(tmp_path) and is_openable(tmp_path / "p.vocgui")
    assert not is_openable(tmp_path / "a.txt")
