"""Helpers for the tests that drive the real main window: a private data folder and
settings, opening a dataset and waiting for it, answering modal dialogs as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow
from vocgui.qt.settings import Settings

LOAD_TIMEOUT_MS = 60_000


def use_private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder (project files of VOC folders) into ``tmp_path``."""
    folder = tmp_path / "data"
    monkeypatch.setenv("VOCGUI_DATA_DIR", str(folder))
    return folder


def private_settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def open_window(qtbot, settings: Settings, target: Path | None) -> MainWindow:
    """A shown main window with ``target`` opened (waits for the background load)."""
    window = MainWindow(AppState(), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.project_opened, timeout=LOAD_TIMEOUT_MS):
        assert window.open_path(target)
    qtbot.waitUntil(lambda: not window.loader.isRunning())
    return window


def answer_dialogs(*answers: Callable[[QWidget], None]) -> list[str]:
    """Answer the next modal dialogs, in order, as a user would; returns their texts."""
    pending: list[Callable[[QWidget], None]] = list(answers)
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and pending:
            if isinstance(dialog, QInputDialog):
                seen.append(dialog.labelText())
            elif isinstance(dialog, QMessageBox):
                seen.append(dialog.text())
            pending.pop(0)(dialog)
        if pending:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def choose(name: str) -> Callable[[QWidget], None]:
    """Answer a class-choice dialog with ``name``."""
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog), dialog
        dialog.setTextValue(name)
        dialog.accept()
    return answer


def press(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    """Answer a message box with ``button``."""
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox), dialog
        dialog.button(button).click()
    return answer
