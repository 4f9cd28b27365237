"""File > Export in the real window on the demo: the VOC ImageSets export goes into a
folder that does not exist yet and says how many images it listed; a dataset without
splits gets the reason instead of a count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from main_window_helpers import answer_dialogs, open_window, press, private_settings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from vocgui.core.project.export import voc_split_members

OK = QMessageBox.StandardButton.Ok


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("VOCGUI_DATA_DIR", str(tmp_path / "data"))
    return private_settings(tmp_path)


def test_voc_export_into_a_new_folder_reports_the_images_listed(qtbot, demo_root, tmp_path,
                                                                settings):
    window = open_window(qtbot, settings, demo_root)
    members = voc_split_members(window.state.project)
    listed = len(members["trainval"]) + len(members["test"])
    seen = answer_dialogs(press(OK))
    written = tmp_path / "not" / "yet" / "there"
    assert window.menus.exchange.export("voc", written)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert (written / "ImageSets" / "Main").is_dir()
    assert seen[0].startswith(f"{listed:,} images listed by split in {written}")


def test_voc_export_without_splits_says_why_nothing_was_written(qtbot, demo_root, tmp_path,
                                                                settings):
    plain = tmp_path / "no-splits"
    shutil.copytree(demo_root, plain, ignore=shutil.ignore_patterns("ImageSets"))
    window = open_window(qtbot, settings, plain)
    seen = answer_dialogs(press(OK))
    assert window.menus.exchange.export("voc", tmp_path / "voc")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert "no image has a train, val or test split" in seen[0]
    assert "written to" not in seen[0] and not (tmp_path / "voc").exists()


def test_the_voc_folder_dialog_takes_the_name_of_a_folder_not_made_yet(qtbot, demo_root,
                                                                       tmp_path, settings):
    window = open_window(qtbot, settings, demo_root)
    target = tmp_path / "typed-new-name"

    def type_the_name(dialog):
        assert isinstance(dialog, QFileDialog), dialog
        # The dataset folder's name is suggested, not the project file's.
        assert Path(dialog.selectedFiles()[0]).name == f"{demo_root.name}-imagesets"
        dialog.selectFile(str(target))
        dialog.accept()

    seen = answer_dialogs(type_the_name, press(OK))
    window.menus.exchange.ask_export("voc")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert (target / "ImageSets" / "Main").is_dir()
    assert f"listed by split in {target}" in seen[0]
