"""Write a run's review report: confusion grid and PR curves (PNG/PDF) plus the CSV tables.

Shared by the desktop app's export button and ``vocgui review``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vocgui.core.evaluation.confusion import class_order
from vocgui.core.evaluation.report import write_tables
from vocgui.core.evaluation.run_review import RunReview, Thresholds
from vocgui.plots.review_confusion import confusion_grid_figure
from vocgui.plots.review_curves import pr_curves_figure

#: Figure formats written by default.
FORMATS = ("png", "pdf")


def write_report(review: RunReview, thresholds: Thresholds, out_dir: str | Path,
                 filenames: Sequence[str] | None = None, order_by: str = "support",
                 formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``confusion_grid.<fmt>``, ``pr_curves.<fmt>`` and the tables of
    ``core.evaluation.report.write_tables`` into ``out_dir``; returns every path written."""
    out = Path(out_dir)
    written = write_tables(review, thresholds, out, filenames)
    counts = review.counts(thresholds)
    order = class_order(counts, order_by)
    figures = {
        "confusion_grid": confusion_grid_figure(counts, order),
        "pr_curves": pr_curves_figure(review.curves(), counts, order),
    }
    for name, figure in figures.items():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            figure.savefig(path, dpi=110)
            written.append(path)
    return written
