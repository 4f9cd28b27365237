"""Fixtures of the Qt tests: an AppState over a real project of the 100-image sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState


@pytest.fixture
def state(qtbot, voc_sample: Path, tmp_path: Path) -> Iterator[AppState]:
    """An AppState with a fresh project of the real sample open; closed afterwards."""
    state = AppState()
    state.set_project(Project.create_from_voc(tmp_path / "sample.vocgui", voc_sample))
    yield state
    state.set_project(None)
