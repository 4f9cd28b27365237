"""The Review panel: per-class confusion, thresholds, PR curves, the images behind each
error, likely label errors with fixes, run comparison and report export."""

from vocgui.qt.review.panel import ReviewPanel

__all__ = ["ReviewPanel"]
