"""The Map tab: the images laid out from a run's features (pyqtgraph scatter)."""

from vocgui.qt.map.panel import MapPanel

__all__ = ["MapPanel"]
