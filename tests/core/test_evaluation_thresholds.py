"""Best-F1 thresholds per class, checked against scikit-learn's F1 on a fine grid."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score
from test_evaluation_confusion import CLASSES, realistic_predictions

from vocgui.core.evaluation.thresholds import best_f1_thresholds, threshold_array


def sklearn_f1(y: np.ndarray, s: np.ndarray, t: float) -> float:
    return float(f1_score(y, s >= t, zero_division=0))


def grid_f1(y: np.ndarray, s: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """F1 at each threshold of ``grid``, by counting (scikit-learn's definition, with 0
    where nothing is predicted or present); one call instead of a slow one per threshold."""
    predicted = s[None, :] >= grid[:, None]
    tp = (predicted & (y[None, :] == 1)).sum(axis=1)
    denominator = predicted.sum(axis=1) + (y == 1).sum()
    return np.divide(2 * tp, denominator, out=np.zeros(len(grid)), where=denominator > 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_thresholds_beat_every_grid_threshold(seed):
    y, scores = realistic_predictions(400, seed)
    best = best_f1_thresholds(y, scores, CLASSES, current=0.5)
    grid = np.linspace(0, 1, 401)
    # The counting F1 is scikit-learn's own at a few grid points.
    for t in grid[::50]:
        assert grid_f1(y[:, 0], scores[:, 0], np.array([t]))[0] == pytest.approx(
            sklearn_f1(y[:, 0], scores[:, 0], t))
    for k, name in enumerate(CLASSES):
        at_best = sklearn_f1(y[:, k], scores[:, k], best.loc[name, "threshold"])
        assert at_best == pytest.approx(best.loc[name, "f1"])
        assert at_best >= grid_f1(y[:, k], scores[:, k], grid).max() - 1e-12
        current = sklearn_f1(y[:, k], scores[:, k], 0.5)
        assert best.loc[name, "current_f1"] == pytest.approx(current)
        assert best.loc[name, "gain"] == pytest.approx(at_best - current)
        assert best.loc[name, "gain"] >= 0


def test_best_threshold_survives_rounding_to_three_decimals():
    # Scores on a 0.01 grid: the threshold sits halfway between two scores, so showing
    # it with 3 decimals in the UI keeps the same predictions.
    y, scores = realistic_predictions(400, 3)
    best = best_f1_thresholds(y, scores, CLASSES)
    for k, name in enumerate(CLASSES):
        t = best.loc[name, "threshold"]
        np.testing.assert_array_equal(scores[:, k] >= t, scores[:, k] >= round(t, 3))


def test_class_without_positives_keeps_its_threshold():
    y, scores = realistic_predictions(200)
    y[:, 2] = False
    best = best_f1_thresholds(y, scores, CLASSES, current=[0.5, 0.5, 0.42, 0.5, 0.5, 0.5])
    assert best.loc["cat", "threshold"] == 0.42
    assert best.loc["cat", "gain"] == 0


def test_threshold_array_accepts_scalar_sequence_and_mapping():
    np.testing.assert_array_equal(threshold_array(0.3, CLASSES), np.full(6, 0.3))
    np.testing.assert_array_equal(threshold_array([0.1] * 6, CLASSES), np.full(6, 0.1))
    mapped = threshold_array({"dog": 0.2}, CLASSES)
    assert mapped[1] == 0.2 and mapped[0] == 0.5
    with pytest.raises(ValueError, match="unknown classes: horse"):
        threshold_array({"horse": 0.2}, CLASSES)
    with pytest.raises(ValueError, match="expected 6 thresholds, got 2"):
        threshold_array([0.1, 0.2], CLASSES)
