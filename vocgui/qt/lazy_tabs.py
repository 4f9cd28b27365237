"""Tabs whose widget is built the first time the tab is shown.

A hidden view then costs nothing at start-up or while the data changes: the charts,
training and review views, and the thumbnail grid, are built only when first opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget


def add_lazy_tab(tabs: QTabWidget, title: str, make: Callable[[], QWidget]) -> int:
    """Add a tab titled ``title`` whose widget ``make()`` builds on first show; returns
    the tab's index."""
    index = tabs.addTab(QWidget(), title)

    def build(current: int) -> None:
        if current != index:
            return
        tabs.currentChanged.disconnect(build)
        placeholder = tabs.widget(index)
        widget = make()
        # Removing the current tab would switch tabs (and build another one) first.
        tabs.blockSignals(True)
        tabs.removeTab(index)
        tabs.insertTab(index, widget, title)
        tabs.setCurrentIndex(index)
        tabs.blockSignals(False)
        placeholder.deleteLater()

    tabs.currentChanged.connect(build)
    return index
