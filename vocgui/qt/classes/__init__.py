"""The class management dialog: add, rename, merge, delete, reorder, recolour."""

from vocgui.qt.classes.class_manager import ClassManagerDialog

__all__ = ["ClassManagerDialog"]
