"""The image table: a lazy model over the project, numpy filtering and sorting, the panel."""

from vocgui.qt.table.filter import TableFilter
from vocgui.qt.table.model import ImageTableModel
from vocgui.qt.table.table_panel import ImageTablePanel

__all__ = ["ImageTableModel", "ImageTablePanel", "TableFilter"]
