"""What the main window tells the user as they edit: the status bar's counts follow the
class list, and messages count things in words that agree ("1 class", "2 classes")."""

from __future__ import annotations

from pathlib import Path

import pytest
from main_window_helpers import open_window, private_settings, use_private_data_dir

from vocgui.core.project.commands import AddClass
from vocgui.core.wording import plural
from vocgui.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path, monkeypatch) -> MainWindow:
    use_private_data_dir(tmp_path, monkeypatch)
    win = open_window(qtbot, private_settings(tmp_path), voc_sample)
    yield win
    win.close()


def test_status_bar_counts_follow_class_edits(window: MainWindow) -> None:
    state = window.state
    n = len(state.project.classes)
    assert f"100 images, {n} classes" in window.status_label.text()
    state.push(AddClass(state.project, "unicorn"))
    assert f"{n + 1} classes" in window.status_label.text()
    state.undo_stack.undo()
    assert f"{n} classes" in window.status_label.text()
    assert "0 problems" in window.status_label.text()


def test_counted_words_agree_with_their_number() -> None:
    assert plural(1, "image") == "1 image"
    assert plural(2, "epoch") == "2 epochs"
    assert plural(1, "class") == "1 class"
    assert plural(3, "class") == "3 classes"
    assert plural(12000, "image") == "12,000 images"
