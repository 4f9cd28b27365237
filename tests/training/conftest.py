"""Fixtures of the training tests: label snapshots of the demo dataset and the real sample,
taken the way the app takes them (a real project file, then ``Project.snapshot()``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vocgui.core.project import LabelSnapshot, Project


def snapshot_of(voc_root: Path, project_file: Path) -> LabelSnapshot:
    """Create a project for ``voc_root`` at ``project_file`` and return its label snapshot."""
    with Project.create_from_voc(project_file, voc_root) as project:
        return project.snapshot()


@pytest.fixture(scope="session")
def demo_snapshot(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> LabelSnapshot:
    """The 120-image demo (official train/val split from its ImageSets)."""
    return snapshot_of(demo_root, tmp_path_factory.mktemp("proj") / "demo.vocgui")


@pytest.fixture(scope="session")
def sample_snapshot(voc_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> LabelSnapshot:
    """The 100 real VOC2012 images (no ImageSets: split column empty)."""
    return snapshot_of(voc_sample, tmp_path_factory.mktemp("proj") / "sample.vocgui")


@pytest.fixture
def damaged_snapshot(demo_snapshot: LabelSnapshot, tmp_path: Path) -> LabelSnapshot:
    """The demo snapshot with its first image replaced by a real truncated JPEG copy."""
    frame = demo_snapshot.frame.copy()
    original = Path(frame.loc[0, "path"])
    damaged = tmp_path / original.name
    data = original.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    frame.loc[0, "path"] = str(damaged)
    return LabelSnapshot(classes=demo_snapshot.classes, frame=frame)
