"""Where a folder's project lives: one rule, honouring VOCGUI_DATA_DIR, for app and CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from vocgui.core.project import Project, ProjectIOError
from vocgui.core.project.location import (
    data_dir,
    open_project_for,
    project_path_for,
    project_path_for_folder,
)


@pytest.fixture
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("VOCGUI_DATA_DIR", str(folder))
    return folder


def test_a_folders_project_is_in_the_data_folder_keyed_by_its_path(tmp_path, private_data):
    a, b = tmp_path / "a" / "VOC", tmp_path / "b" / "VOC"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    assert data_dir() == private_data
    path = project_path_for_folder(a)
    assert path.parent == private_data / "projects"
    name, key = path.stem.rsplit("-", 1)
    assert name == "VOC" and len(key) == 12 and int(key, 16) >= 0
    assert path.suffix == ".vocgui"
    assert project_path_for_folder(b) != path
    # A relative spelling of the same folder is the same project.
    assert project_path_for_folder(a / ".." / "VOC") == path
    assert project_path_for(a) == path
    assert project_path_for(tmp_path / "x.vocgui") == tmp_path / "x.vocgui"


def test_opening_a_folder_makes_its_project_once_then_reopens_it(demo_root, private_data):
    created: list[Path] = []
    with open_project_for(demo_root, on_create=created.append) as project:
        assert project.path == project_path_for_folder(demo_root)
        n_images = len(project.images)
    assert created == [project_path_for_folder(demo_root)]
    with open_project_for(demo_root, on_create=created.append) as again:
        assert len(again.images) == n_images
    assert len(created) == 1
    with open_project_for(project_path_for_folder(demo_root), read_only=True) as by_file:
        assert by_file.read_only and len(by_file.images) == n_images


def test_reading_a_folder_without_a_project_says_how_to_make_one(demo_root, private_data):
    with pytest.raises(ProjectIOError, match="has no vocgui project yet"):
        open_project_for(demo_root, read_only=True)
    assert not (private_data / "projects").exists()  # reading wrote nothing


def test_a_missing_path_is_a_clear_error(tmp_path, private_data):
    with pytest.raises(FileNotFoundError, match="no such project file or dataset folder"):
        open_project_for(tmp_path / "nowhere")


def test_an_explicit_project_file_replaces_the_data_folder(demo_root, tmp_path, private_data):
    target = tmp_path / "mine.vocgui"
    with open_project_for(demo_root, project_file=target) as project:
        assert project.path == target
    assert not (private_data / "projects").exists()
    with Project.open(target, read_only=True) as project:
        assert [Path(r).resolve() for r in project.roots] == [demo_root.resolve()]
