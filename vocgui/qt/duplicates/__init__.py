"""The Duplicates tab (exact and near copies, leaks across splits, label conflicts)."""

from vocgui.qt.duplicates.panel import DuplicatesPanel

__all__ = ["DuplicatesPanel"]
