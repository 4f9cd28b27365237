"""The "Dataset" panel: charts of label imbalance, co-occurrence and image sizes."""

from vocgui.qt.charts.panel import DatasetChartsPanel

__all__ = ["DatasetChartsPanel"]
