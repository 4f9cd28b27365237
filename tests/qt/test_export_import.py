"""File > Export and File > Import Labels in the real window on the real sample: the
exports run off the GUI thread, land outside the dataset and read back, a refused or
unwritable target says why, a second export while one runs is refused, the dialogs
suggest the dataset folder's name, and an import shows its report, applies as one edit
and undoes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from main_window_helpers import (
    answer_dialogs,
    open_window,
    press,
    private_settings,
    use_private_data_dir,
)
from PySide6.QtWidgets import QMessageBox

from vocgui.core.voc import read_labels_csv
from vocgui.qt.export_import import EXPORTS, suggested_name

OK, YES, NO = (QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Yes,
               QMessageBox.StandardButton.No)


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    use_private_data_dir(tmp_path, monkeypatch)
    return open_window(qtbot, private_settings(tmp_path), voc_sample)


def test_the_file_menu_offers_every_export_and_the_import(window) -> None:
    texts = [a.text() for a in window.menus.file_menu.actions()]
    assert "&Import Labels from CSV…" in texts
    export = next(a.menu() for a in window.menus.file_menu.actions() if a.text() == "&Export")
    assert len(export.actions()) == 3 and all(a.isEnabled() for a in export.actions())


def test_csv_export_runs_off_the_gui_thread_and_reads_back(qtbot, window, tmp_path: Path,
                                                           monkeypatch) -> None:
    text, real_export, file_filter = EXPORTS["csv"]
    threads: list[int] = []

    def recording_export(project, target):
        threads.append(threading.get_ident())
        return real_export(project, target)

    monkeypatch.setitem(EXPORTS, "csv", (text, recording_export, file_filter))
    seen = answer_dialogs(press(OK))
    target = tmp_path / "labels.csv"
    assert window.menus.exchange.export("csv", target)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert threads and threads[0] != threading.get_ident()
    assert "100 labeled images written" in seen[0]
    frame = read_labels_csv(target)
    assert [tuple(t) for t in frame["labels"]] == list(window.state.project.labels_of(r)
                                                      for r in range(100))


def test_a_second_export_while_one_runs_is_refused(qtbot, window, tmp_path: Path) -> None:
    seen = answer_dialogs(press(OK), press(OK))
    assert window.menus.exchange.export("jsonl", tmp_path / "first.jsonl")
    assert not window.menus.exchange.export("csv", tmp_path / "second.csv")
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert "still being written" in seen[0] and "100 images written" in seen[1]
    assert (tmp_path / "first.jsonl").read_text().count("\n") == 100
    assert not (tmp_path / "second.csv").exists()


def test_an_unwritable_target_is_shown_with_its_name(qtbot, window, tmp_path: Path) -> None:
    plain = tmp_path / "plain-file"
    plain.write_text("a file, never a folder")
    seen = answer_dialogs(press(OK))
    assert window.menus.exchange.export("csv", plain / "labels.csv")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0] == f"{plain / 'labels.csv'} could not be written: Not a directory"


def test_an_export_into_the_dataset_is_refused_with_the_reason(qtbot, window,
                                                               voc_sample: Path) -> None:
    seen = answer_dialogs(press(OK))
    assert window.menus.exchange.export("voc", voc_sample / "out")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert "inside the dataset folder" in seen[0]
    assert not (voc_sample / "out").exists()


def test_the_suggested_names_come_from_the_dataset_folder(window, voc_sample: Path) -> None:
    project = window.state.project
    assert Path(project.path).stem != voc_sample.name  # a hashed name in the data folder
    assert [suggested_name(project, kind) for kind in EXPORTS] == [
        f"{voc_sample.name}-labels.csv", f"{voc_sample.name}-labels.jsonl",
        f"{voc_sample.name}-imagesets"]


def test_an_import_shows_its_report_applies_once_and_undoes(qtbot, window,
                                                            tmp_path: Path) -> None:
    project = window.state.project
    before = project.labels.copy()
    csv = tmp_path / "other_tool.csv"
    csv.write_text("filename,labels\n2007_000027.jpg,\"['dog', 'cat']\"\nnot_here.jpg,cat\n")
    seen = answer_dialogs(press(YES))
    assert window.menus.exchange.import_labels(csv)
    assert "1 image matched" in seen[0] and "not_here.jpg" in seen[0]
    row = project.images["filename"].tolist().index("2007_000027.jpg")
    assert project.labels_of(row) == ("cat", "dog")
    assert window.state.undo_stack.count() == 1
    window.state.undo_stack.undo()
    assert (project.labels == before).all()


def test_declining_an_import_changes_nothing(qtbot, window, tmp_path: Path) -> None:
    csv = tmp_path / "labels.csv"
    csv.write_text("filename,labels\n2007_000027.jpg,dog\n")
    before = window.state.project.labels.copy()
    answer_dialogs(press(NO))
    assert not window.menus.exchange.import_labels(csv)
    assert (window.state.project.labels == before).all()
    assert window.state.undo_stack.count() == 0
