"""Unlabeled images in the app: the table shows and filters them, File > Add Images adds
a folder in a worker thread, tagging makes an image labeled, charts say what they left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from vocgui.core.project import Project
from vocgui.core.voc import load_voc
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow
from vocgui.qt.table.columns import Column


@pytest.fixture
def window(qtbot, voc_sample: Path, tmp_path: Path):
    """The main window over the real sample with 3 of its JPEGs copied in without XMLs."""
    root = tmp_path / "voc"
    shutil.copytree(voc_sample, root)
    extra = sorted((root / "JPEGImages").glob("*.jpg"))[:3]
    for k, jpeg in enumerate(extra):
        shutil.copy(jpeg, root / "JPEGImages" / f"unlabeled_{k}.jpg")
    state = AppState()
    win = MainWindow(state)
    win.menus.adder.show_messages = False
    qtbot.addWidget(win)
    state.set_project(Project.create(tmp_path / "p.vocgui", load_voc(root)))
    yield win
    state.set_project(None)


def _shown_rows(win: MainWindow) -> list[int]:
    model = win.table.model
    return [model.row_id(i) for i in range(model.rowCount())]


def test_the_table_marks_and_filters_unlabeled_images(qtbot, window: MainWindow) -> None:
    state, bar, model = window.state, window.table.filter_bar, window.table.model
    assert len(state.project.images) == 103 and state.project.n_unlabeled == 3
    position = list(_shown_rows(window)).index(100)
    assert model.index(position, Column.REVIEW).data() == "○ unlabeled"
    bar.review_box.setCurrentIndex(bar.review_box.findData("unlabeled"))
    assert _shown_rows(window) == [100, 101, 102] and "unlabeled" in bar.description.text()
    state.project.add_label([101], "dog")  # tagging labels it; the filter keeps the row
    assert state.project.images["labeled"].tolist()[100:] == [False, True, False]
    bar.review_box.setCurrentIndex(bar.review_box.findData("labeled"))
    assert len(_shown_rows(window)) == 101 and 101 in _shown_rows(window)


def test_add_images_adds_a_folder_and_charts_count_labeled_images(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    (folder / "sub").mkdir(parents=True)
    for name in ("m1.jpg", "sub/m2.jpg"):
        Image.new("RGB", (60, 40), "blue").save(folder / name)
    adder = window.menus.adder
    with qtbot.waitSignal(adder.finished, timeout=20000) as done:
        assert adder.add(folder)
    assert "Added 2 images (2 unlabeled)" in done.args[0]
    project = window.state.project
    assert len(project.images) == 105 and window.table.model.rowCount() == 105
    assert window.table.filter_bar.count_label.text() == "<b>105</b> of 105 images"
    with qtbot.waitSignal(adder.finished, timeout=20000) as again:
        adder.add(folder)
    assert "2 already in the project" in again.args[0]
    from vocgui.qt.charts.panel import DatasetChartsPanel

    charts = DatasetChartsPanel(window.state)
    qtbot.addWidget(charts)
    charts.show()
    qtbot.waitUntil(lambda: charts.stats is not None)
    assert charts.stats.n_images == 100 and charts.stats.n_unlabeled == 5
    assert "5 unlabeled not counted" in charts.summary.text()
