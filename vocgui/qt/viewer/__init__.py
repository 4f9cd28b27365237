"""The image viewer: the current image with its VOC boxes, decoded off the GUI thread."""

from vocgui.qt.viewer.image_viewer import ImageViewer

__all__ = ["ImageViewer"]
