"""The Labels menu stays small with 20,000 classes, and still reaches every class."""

from __future__ import annotations

from vocgui.qt.table.filter_bar import MENU_CLASSES, FilterBar

CLASSES = [f"c{i:05d}" for i in range(20_000)]


def _class_texts(bar: FilterBar) -> list[str]:
    return [a.text() for a in bar.labels_menu.actions() if a.text() in set(CLASSES)]


def test_the_labels_menu_lists_a_bounded_number_of_classes(qtbot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_classes(CLASSES)
    assert _class_texts(bar) == CLASSES[:MENU_CLASSES]
    other = [a for a in bar.labels_menu.actions() if a.text().startswith("Other label")]
    assert len(other) == 1 and f"{20_000 - MENU_CLASSES:,} more" in other[0].text()


def test_a_class_past_the_menu_is_listed_once_checked(qtbot) -> None:
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_classes(CLASSES)
    with qtbot.waitSignal(bar.filter_edited) as edited:
        bar._class_toggled("c19999", True)  # what "Other label…" does with its choice
    assert edited.args[0].classes == ("c19999",)
    bar.labels_menu.aboutToShow.emit()
    texts = _class_texts(bar)
    assert texts[0] == "c19999" and len(texts) == MENU_CLASSES + 1
    checked = next(a for a in bar.labels_menu.actions() if a.text() == "c19999")
    assert checked.isChecked()
    checked.trigger()  # unchecking it from the menu clears it from the filter
    assert bar.filter.classes == ()
