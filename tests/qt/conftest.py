"""Fixtures of the Qt tests: an AppState over a real project of the 100-image sample, and
no key left held from one test to the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from main_window_helpers import open_window, private_settings, use_private_data_dir
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from vocgui.core.project import Project
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow


@pytest.fixture
def state(qtbot, voc_sample: Path, tmp_path: Path) -> Iterator[AppState]:
    """An AppState with a fresh project of the real sample open; closed afterwards."""
    state = AppState()
    state.set_project(Project.create_from_voc(tmp_path / "sample.vocgui", voc_sample))
    yield state
    state.set_project(None)


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[MainWindow]:
    """The real main window with the real sample open (private data folder and
    settings); closed afterwards."""
    use_private_data_dir(tmp_path, monkeypatch)
    win = open_window(qtbot, private_settings(tmp_path), voc_sample)
    yield win
    win.close()


@pytest.fixture(autouse=True)
def _no_modifier_held(qapp) -> Iterator[None]:
    """After each test, no modifier key counts as held. QTest leaves the application the
    modifiers of its last key event (Ctrl after a Ctrl+Z click), so the next test's
    ``selectRow`` would toggle a row as a Ctrl-click does instead of selecting it alone;
    a modifier-free key release resets them."""
    yield
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        widget = QWidget()
        widget.show()
        QTest.keyRelease(widget, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
        widget.close()
        widget.deleteLater()
