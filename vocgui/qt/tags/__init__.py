"""The tag editor: check, uncheck and type the labels of the current image or selection."""

from vocgui.qt.tags.tag_editor import TagEditor

__all__ = ["TagEditor"]
