"""File > Export and File > Import Labels in the real window on the real sample: the
exports land outside the dataset and read back, a refused target says why, and an
import shows its report, applies as one edit and undoes."""

from __future__ import annotations

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


def test_csv_export_reads_back_with_the_labels(qtbot, window, tmp_path: Path) -> None:
    seen = answer_dialogs(press(OK))
    written = window.menus.exchange.export("csv", tmp_path / "labels.csv")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert written is not None and "100 labeled images written" in seen[0]
    frame = read_labels_csv(written)
    assert [tuple(t) for t in frame["labels"]] == list(window.state.project.labels_of(r)
                                                      for r in range(100))


def test_an_export_into_the_dataset_is_refused_with_the_reason(qtbot, window,
                                                               voc_sample: Path) -> None:
    seen = answer_dialogs(press(OK))
    assert window.menus.exchange.export("voc", voc_sample / "out") is None
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert "inside the dataset folder" in seen[0]
    assert not (voc_sample / "out").exists()


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
