"""One run's validation predictions, prepared for the post-mortem review.

:class:`RunReview` holds the scores and the labels they were scored against, sorts them
once, and then answers every question the review views and ``vocgui review`` ask at any
thresholds: confusion counts, the per-class table, which images sit in a cell, the best
thresholds, the precision-recall curves, whether the model beats the class-frequency
baseline, and the likely label errors (only from a model that does).

``ignore`` marks the labels VOC-style evaluation leaves out (those coming only from
difficult objects, :func:`vocgui.core.evaluation.difficult.difficult_only`): the VOC AP
columns and the baseline verdict skip them; scikit-learn's AP and the counts use every
label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from vocgui.core.evaluation.average_precision import (
    average_precision_table,
    mean_average_precisions,
)
from vocgui.core.evaluation.baseline import ModelVerdict, model_verdict
from vocgui.core.evaluation.confusion import (
    ConfusionCounts,
    ThresholdCounter,
    cell_members,
    check_predictions,
)
from vocgui.core.evaluation.curves import PRCurve, pr_curves
from vocgui.core.evaluation.label_issues import ISSUE_COLUMNS, find_label_issues
from vocgui.core.evaluation.metrics import mark_undefined
from vocgui.core.evaluation.thresholds import best_f1_thresholds, threshold_array

Thresholds = float | Sequence[float] | Mapping[str, float] | np.ndarray

#: Columns of :meth:`RunReview.table` (index = class name).
TABLE_COLUMNS = ("support", "precision", "recall", "f1", "ap", "ap_voc07", "ap_voc10",
                 "threshold", "tp", "fp", "fn", "tn")


class PredictionsLike(Protocol):
    """What :meth:`RunReview.from_predictions` reads (``Project.predictions`` returns it)."""

    rows: np.ndarray
    classes: Sequence[str]
    scores: np.ndarray
    y_true: np.ndarray


class RunReview:
    """Review maths over one run's predictions; cheap to query at any thresholds."""

    def __init__(self, rows: np.ndarray, classes: Sequence[str], scores: np.ndarray,
                 y_true: np.ndarray, ignore: np.ndarray | None = None) -> None:
        self.y_true, self.scores = check_predictions(y_true, scores, classes)
        self.ignore = (np.zeros_like(self.y_true) if ignore is None
                       else np.asarray(ignore, dtype=bool))
        if self.ignore.shape != self.y_true.shape:
            raise ValueError(f"ignore mask {self.ignore.shape} does not match the "
                             f"predictions {self.y_true.shape}")
        self.rows = np.asarray(rows, dtype=np.int64)
        if self.rows.shape != (len(self.scores),):
            raise ValueError(f"{len(self.rows)} row ids for {len(self.scores)} predictions")
        self.classes = tuple(classes)
        self._counter = ThresholdCounter(self.y_true, self.scores, self.classes)
        self._position = {int(r): i for i, r in enumerate(self.rows)}
        self._ap: pd.DataFrame | None = None
        self._curves: list[PRCurve] | None = None
        self._verdict: ModelVerdict | None = None
        self._trusted: tuple[ModelVerdict, pd.DataFrame] | None = None

    @classmethod
    def from_predictions(cls, predictions: PredictionsLike,
                         ignore: np.ndarray | None = None) -> RunReview:
        return cls(predictions.rows, predictions.classes, predictions.scores,
                   predictions.y_true, ignore)

    # --- thresholds and counts --------------------------------------------------------
    def thresholds(self, value: Thresholds) -> np.ndarray:
        """One threshold per class from a scalar, a sequence or a mapping by class name."""
        return threshold_array(value, self.classes)

    def counts(self, thresholds: Thresholds) -> ConfusionCounts:
        """Confusion counts at ``thresholds``: one binary search per class."""
        return self._counter.counts(self.thresholds(thresholds))

    def class_index(self, class_name: str) -> int:
        try:
            return self.classes.index(class_name)
        except ValueError:
            raise KeyError(f"class {class_name!r} is not in this run's predictions "
                           f"({', '.join(self.classes)})") from None

    @property
    def average_precision(self) -> np.ndarray:
        """scikit-learn's AP per class (NaN without positives); computed once."""
        return self.average_precisions()["ap"].to_numpy()

    def average_precisions(self) -> pd.DataFrame:
        """Per class: support and the AP definitions of
        :data:`~vocgui.core.evaluation.average_precision.AP_DEFINITIONS` (threshold-free,
        computed once)."""
        if self._ap is None:
            self._ap = average_precision_table(self.y_true, self.scores, self.classes,
                                               self.ignore)
        return self._ap

    def verdict(self) -> ModelVerdict:
        """The model against the class-frequency baseline on these images (computed once)."""
        if self._verdict is None:
            self._verdict = model_verdict(self.scores, self.y_true, self.ignore)
        return self._verdict

    def curves(self) -> list[PRCurve]:
        """Precision-recall curves per class, computed once."""
        if self._curves is None:
            self._curves = pr_curves(self.y_true, self.scores, self.classes)
        return self._curves

    def table(self, thresholds: Thresholds, counts: ConfusionCounts | None = None
              ) -> pd.DataFrame:
        """Per-class support, precision, recall, F1, AP, threshold and counts (the same
        values as ``metrics.per_class_metrics``, from the sorted scores)."""
        counts = counts if counts is not None else self.counts(thresholds)
        ap = self.average_precisions()
        table = pd.DataFrame({
            "support": counts.support, "precision": counts.precision,
            "recall": counts.recall, "f1": counts.f1, "ap": ap["ap"].to_numpy(),
            "ap_voc07": ap["ap_voc07"].to_numpy(), "ap_voc10": ap["ap_voc10"].to_numpy(),
            "threshold": counts.thresholds, "tp": counts.tp, "fp": counts.fp,
            "fn": counts.fn, "tn": counts.tn,
        }, index=pd.Index(list(self.classes), name="class"))
        return mark_undefined(table, counts.tp + counts.fp)

    def summary(self, counts: ConfusionCounts) -> dict[str, float | None]:
        """Macro and micro F1 at the thresholds of ``counts``, and the three mAPs
        (``map``, ``map_voc07``, ``map_voc10``), the macro F1 and the mAPs over the same
        classes: those with support (None when there is none)."""
        tp, fp, fn = int(counts.tp.sum()), int(counts.fp.sum()), int(counts.fn.sum())
        micro = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0
        supported = np.asarray(counts.support) > 0
        return {"f1_macro": float(counts.f1[supported].mean()) if supported.any() else None,
                "f1_micro": float(micro),
                **mean_average_precisions(self.average_precisions())}

    # --- the images behind the numbers ------------------------------------------------
    def cell_rows(self, class_name: str, cell: str, thresholds: Thresholds) -> np.ndarray:
        """Image ids in one cell ('tp', 'fp', 'fn', 'tn') of a class, highest score first."""
        k = self.class_index(class_name)
        t = self.thresholds(thresholds)[k]
        return self.rows[cell_members(self.y_true, self.scores, k, t, cell)]

    def class_rows(self, class_name: str, thresholds: Thresholds) -> np.ndarray:
        """Image ids that carry the class or are predicted to (TP, FP and FN), highest
        score first."""
        k = self.class_index(class_name)
        column = self.scores[:, k]
        members = np.flatnonzero(self.y_true[:, k] | (column >= self.thresholds(thresholds)[k]))
        return self.rows[members[np.argsort(-column[members], kind="stable")]]

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """Positions in the prediction arrays of these image ids (KeyError if absent)."""
        try:
            return np.array([self._position[int(r)] for r in rows], dtype=np.int64)
        except KeyError as exc:
            raise KeyError(f"image {exc.args[0]} has no prediction in this run") from None

    def has_row(self, row: int) -> bool:
        return int(row) in self._position

    # --- suggestions ------------------------------------------------------------------
    def best_thresholds(self, current: Thresholds) -> pd.DataFrame:
        """Best-F1 threshold per class and the gain over ``current`` (see thresholds.py)."""
        return best_f1_thresholds(self.y_true, self.scores, self.classes,
                                  self.thresholds(current))

    def label_issues(self, thresholds: Thresholds | None = None,
                     max_issues: int | None = None) -> pd.DataFrame:
        """Likely label errors, most likely first; ``thresholds`` decide the suggested
        changes (default: cleanlab's per-class thresholds; see label_issues.py).

        To offer the changes as fixes, use :meth:`trusted_label_issues`: the
        suggestions of a model no better than the baseline are noise."""
        chosen = None if thresholds is None else self.thresholds(thresholds)
        return find_label_issues(self.y_true, self.scores, self.classes, self.rows, chosen,
                                 max_issues)

    def trusted_label_issues(self) -> tuple[ModelVerdict, pd.DataFrame]:
        """The :meth:`verdict`, and the :meth:`label_issues` only when it says the model
        is clearly better than the class-frequency baseline (else no issue at all);
        computed once (the report's table and its printed summary both read it)."""
        if self._trusted is None:
            verdict = self.verdict()
            issues = (self.label_issues() if verdict.clearly_better
                      else pd.DataFrame(columns=list(ISSUE_COLUMNS)))
            self._trusted = verdict, issues
        return self._trusted
