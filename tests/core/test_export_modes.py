"""Exports are files for the user: made with the user's umask (not a temporary file's
0600), into a folder that may not exist yet, and a VOC ImageSets export of a dataset
without splits says there is nothing to write instead of writing nothing."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from vocgui.core.project import Project
from vocgui.core.project.errors import ExportError
from vocgui.core.project.export import (
    export_csv,
    export_jsonl,
    export_voc_imagesets,
    voc_split_members,
)
from vocgui.core.voc import write_labels_csv


@pytest.fixture
def umask():
    """Set a umask for the test, restored after."""
    previous = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


@pytest.fixture
def demo_project(demo_root: Path, tmp_path: Path):
    with Project.create_from_voc(tmp_path / "demo.vocgui", demo_root) as project:
        yield project


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_every_export_and_the_run_snapshot_get_the_users_mode(demo_project, tmp_path, umask,
                                                               mask):
    umask(mask)
    out = tmp_path / "out"
    out.mkdir()
    files = [export_csv(demo_project, out / "labels.csv"),
             export_jsonl(demo_project, out / "labels.jsonl")]
    demo_project.snapshot().to_csv(out / "snapshot.csv")
    files.append(out / "snapshot.csv")
    write_labels_csv(out / "scan.csv", demo_project.snapshot().frame)
    files.append(out / "scan.csv")
    folder = export_voc_imagesets(demo_project, out / "voc")
    files.extend(folder.rglob("*.txt"))
    assert all(_mode(f) == 0o666 & ~mask for f in files), {f.name: oct(_mode(f))
                                                           for f in files}
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    assert all(_mode(d) == 0o777 & ~mask for d in folders), [oct(_mode(d)) for d in folders]


def test_voc_export_into_a_folder_that_does_not_exist_yet(demo_project, tmp_path):
    target = tmp_path / "new" / "deeper" / "imagesets"
    written = export_voc_imagesets(demo_project, target)
    members = voc_split_members(demo_project)
    train = (written / "ImageSets" / "Main" / "train.txt").read_text().split()
    assert len(train) == len(members["train"]) > 0


def test_voc_export_of_a_dataset_without_splits_is_refused(demo_root, tmp_path):
    plain = tmp_path / "no-splits"
    shutil.copytree(demo_root, plain, ignore=shutil.ignore_patterns("ImageSets"))
    with Project.create_from_voc(tmp_path / "plain.vocgui", plain) as project:
        assert not voc_split_members(project)["trainval"]
        with pytest.raises(ExportError, match="no image has a train, val or test split"):
            export_voc_imagesets(project, tmp_path / "voc")
    assert not (tmp_path / "voc").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".voc")]
