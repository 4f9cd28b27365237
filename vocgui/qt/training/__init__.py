"""The Training panel: configure, start, watch and stop runs in a child process."""

from vocgui.qt.training.panel import TrainingPanel

__all__ = ["TrainingPanel"]
