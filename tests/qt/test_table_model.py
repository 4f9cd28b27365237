"""The image table model over a real project made from the 100 real VOC2012 images:
Qt's model contract, every filter criterion, sorting and repainting after edits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vocgui.core.project import ChangeEvent, Project
from vocgui.core.project.commands import AddLabel
from vocgui.qt.table.columns import REVIEW_SORT_ORDER, Column
from vocgui.qt.table.filter import TableFilter
from vocgui.qt.table.model import LABEL_CHIPS_ROLE, ROW_ID_ROLE, ImageTableModel


@pytest.fixture
def project(voc_sample: Path, tmp_path: Path):
    p = Project.create_from_voc(tmp_path / "sample.vocgui", voc_sample)
    yield p
    p.close()


@pytest.fixture
def model(qtbot, project: Project) -> ImageTableModel:
    m = ImageTableModel()
    m.set_source(project)
    return m


def shown_rows(model: ImageTableModel) -> list[int]:
    return [model.data(model.index(i, 0), ROW_ID_ROLE) for i in range(model.rowCount())]


def test_qt_model_contract(qtmodeltester, model: ImageTableModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.set_filter(TableFilter(text="2008"))
    qtmodeltester.check(model, force_py=True)


def test_cells_show_the_project(model: ImageTableModel, project: Project) -> None:
    assert model.rowCount() == len(project.images) == 100
    assert model.columnCount() == len(Column)
    row = model.data(model.index(0, 0), ROW_ID_ROLE)
    assert model.data(model.index(0, Column.FILE)) == project.images.filename[row]
    chips = model.data(model.index(0, Column.LABELS), LABEL_CHIPS_ROLE)
    assert [name for name, _ in chips] == list(project.labels_of(row))
    assert all(color == project.class_colors[name] for name, color in chips)
    w, h = project.images.width[row], project.images.height[row]
    assert model.data(model.index(0, Column.SIZE)) == f"{w}×{h}"
    assert model.data(model.index(0, Column.OBJECTS)) == str(project.images.n_objects[row])
    assert model.headerData(Column.LABELS, Qt.Orientation.Horizontal) == "Labels"


def test_text_filter_is_a_case_insensitive_name_substring(model, project) -> None:
    model.set_filter(TableFilter(text="2007_001"))
    names = project.images.filename
    expected = {i for i, n in enumerate(names) if "2007_001" in n}
    assert set(shown_rows(model)) == expected and 0 < len(expected) < 100
    model.set_filter(TableFilter(text="JPG"))
    assert model.rowCount() == 100


@pytest.mark.parametrize("mode", ["any", "all", "none"])
def test_label_filter_modes(model, project, mode: str) -> None:
    model.set_filter(TableFilter(classes=("person", "dog"), class_mode=mode))
    labels = [set(project.labels_of(i)) for i in range(100)]
    test = {"any": lambda s: bool(s & {"person", "dog"}),
            "all": lambda s: {"person", "dog"} <= s,
            "none": lambda s: not s & {"person", "dog"}}[mode]
    assert set(shown_rows(model)) == {i for i, s in enumerate(labels) if test(s)}


def test_review_problems_split_and_row_filters(model, project) -> None:
    project.set_review(np.array([3, 7]), "flagged")
    model.on_data_changed(ChangeEvent("review", np.array([3, 7]), ("review",)))
    model.set_filter(TableFilter(review="flagged"))
    assert sorted(shown_rows(model)) == [3, 7]
    model.set_filter(TableFilter(problems_only=True))
    assert set(shown_rows(model)) == set(np.flatnonzero(project.images.n_problems > 0))
    # The sample has no ImageSets: every image is in no split.
    model.set_filter(TableFilter(split=""))
    assert model.rowCount() == 100
    model.set_filter(TableFilter(split="train"))
    assert model.rowCount() == 0
    model.set_filter(TableFilter(rows=np.array([5, 50, 99]), rows_caption="three"))
    assert sorted(shown_rows(model)) == [5, 50, 99]
    assert "three" in model.filter.describe()


@pytest.mark.parametrize("column", list(Column))
def test_every_column_sorts_both_ways(model, project, column: Column) -> None:
    keys = {
        Column.FILE: lambda r: project.images.filename[r].lower(),
        Column.OBJECTS: lambda r: project.images.n_objects[r],
        Column.SIZE: lambda r: project.images.width[r] * project.images.height[r],
        Column.PROBLEMS: lambda r: project.images.n_problems[r],
        Column.SPLIT: lambda r: project.images.split[r],
        Column.REVIEW: lambda r: REVIEW_SORT_ORDER.index(project.images.review[r]),
        Column.LABELS: lambda r: tuple(not x for x in project.labels[r]),
        # Without a model: no suggestion and no uncertainty anywhere (with one:
        # tests/qt/test_suggestions_gui.py).
        Column.SUGGESTED: lambda r: tuple(not x for x in model.columns.suggested[r]),
        Column.UNCERTAINTY: lambda r: np.nan_to_num(model.columns.uncertainty[r], nan=-1.0),
    }
    model.sort(column, Qt.SortOrder.AscendingOrder)
    ascending = [keys[column](r) for r in shown_rows(model)]
    assert ascending == sorted(ascending)
    model.sort(column, Qt.SortOrder.DescendingOrder)
    descending = [keys[column](r) for r in shown_rows(model)]
    assert descending == sorted(ascending, reverse=True)


def test_sort_then_filter_keeps_the_order(model) -> None:
    model.sort(Column.FILE, Qt.SortOrder.DescendingOrder)
    model.set_filter(TableFilter(text="_0001"))
    names = [model.data(model.index(i, 0)) for i in range(model.rowCount())]
    assert names == sorted(names, reverse=True) and all("_0001" in n for n in names)


def test_edits_repaint_only_the_changed_rows(qtbot, model, project) -> None:
    model.sort(Column.FILE, Qt.SortOrder.AscendingOrder)
    rows = np.array([shown_rows(model)[10], shown_rows(model)[11], shown_rows(model)[40]])
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.row(), b.row())))
    AddLabel(project, rows, "boat").redo()
    model.on_data_changed(ChangeEvent("labels", rows, ("labels",)))
    assert changed == [(10, 11), (40, 40)]
    chips = model.data(model.index(40, Column.LABELS), LABEL_CHIPS_ROLE)
    assert "boat" in [name for name, _ in chips]


def test_a_deleted_filter_class_hides_everything_rather_than_everything_shown(model) -> None:
    model.set_filter(TableFilter(classes=("no-such-class",)))
    assert model.rowCount() == 0
    model.set_filter(TableFilter(classes=("no-such-class",), class_mode="none"))
    assert model.rowCount() == 100
