"""The tables of a review report: per-class metrics, per-image predictions, label issues.

Figures are drawn by ``vocgui.plots.review_report``, which calls :func:`write_tables`;
the split keeps matplotlib out of ``vocgui.core``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.evaluation.label_issues import ISSUE_COLUMNS, LabelIssueError
from vocgui.core.evaluation.run_review import RunReview, Thresholds
from vocgui.core.spreadsheet import spreadsheet_safe
from vocgui.core.voc.labels_csv import encode_labels

#: Per-class columns printed and shown, in order (see ``RunReview.table``).
SHOWN_COLUMNS = ("support", "precision", "recall", "f1", "threshold", "ap", "ap_voc07",
                 "ap_voc10")
#: What to show for an undefined metric (e.g. the recall of a class without support).
UNDEFINED = "n/a"


def metric_text(value: float | None) -> str:
    """A metric with three decimals, or :data:`UNDEFINED` for None or NaN."""
    return UNDEFINED if value is None or value != value else f"{value:.3f}"


def summary_text(summary: dict) -> str:
    """``RunReview.summary`` in words, each mAP labelled with its definition."""
    return (f"macro F1 {metric_text(summary['f1_macro'])}, micro F1 "
            f"{metric_text(summary['f1_micro'])}, mAP {metric_text(summary['map'])} "
            f"(scikit-learn), {metric_text(summary['map_voc07'])} (VOC07 11-point), "
            f"{metric_text(summary['map_voc10'])} (VOC10+ all-points)")


def _joined(names: Sequence[str]) -> str:
    # A JSON list: unambiguous for names holding ';' or ',', read back with
    # vocgui.core.voc.labels_csv.decode_labels.
    return encode_labels(names)


def predictions_frame(review: RunReview, thresholds: Thresholds,
                      filenames: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per validated image: row, filename, true and predicted labels (JSON lists),
    the wrong ones, and one ``score_<class>`` column per class."""
    t = review.thresholds(thresholds)
    hit = review.scores >= t
    classes = review.classes

    def names(matrix: np.ndarray) -> list[str]:
        return [_joined([classes[k] for k in np.flatnonzero(line)]) for line in matrix]

    frame = pd.DataFrame({"row": review.rows})
    if filenames is not None:
        frame["filename"] = [filenames[r] for r in review.rows]
    frame["true"] = names(review.y_true)
    frame["predicted"] = names(hit)
    frame["false_positives"] = names(hit & ~review.y_true)
    frame["false_negatives"] = names(~hit & review.y_true)
    for k, name in enumerate(classes):
        frame[f"score_{name}"] = review.scores[:, k]
    return frame


def issues_frame(review: RunReview, filenames: Sequence[str] | None = None) -> pd.DataFrame:
    """Label issues as a flat table (tuples as JSON lists); empty when none can be computed
    or the model is not clearly better than the class-frequency baseline."""
    try:
        _, issues = review.trusted_label_issues()
    except LabelIssueError:
        issues = pd.DataFrame(columns=list(ISSUE_COLUMNS))
    flat = issues.copy()
    for column in ("given", "add", "remove", "suggested"):
        flat[column] = [_joined(v) for v in issues[column]]
    if filenames is not None:
        flat.insert(1, "filename", [filenames[r] for r in issues["row"]])
    return flat


def write_tables(review: RunReview, thresholds: Thresholds, out_dir: str | Path,
                 filenames: Sequence[str] | None = None) -> list[Path]:
    """Write ``per_class.csv``, ``predictions.csv`` and ``label_issues.csv`` to
    ``out_dir`` (created if needed); returns the paths written. Text cells that a
    spreadsheet would run as a formula are escaped (:mod:`vocgui.core.spreadsheet`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables = {
        "per_class.csv": review.table(thresholds),
        "predictions.csv": predictions_frame(review, thresholds, filenames),
        "label_issues.csv": issues_frame(review, filenames),
    }
    for name, frame in tables.items():
        path = out / name
        spreadsheet_safe(frame).to_csv(path, index=name == "per_class.csv")
        written.append(path)
    return written
