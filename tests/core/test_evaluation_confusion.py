"""Confusion counts, per-class table and cell membership, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import multilabel_confusion_matrix

from vocgui.core.evaluation.confusion import CELLS, ThresholdCounter, class_order
from vocgui.core.evaluation.metrics import per_class_metrics
from vocgui.core.evaluation.run_review import RunReview

CLASSES = ("person", "dog", "cat", "car", "chair", "bottle")
# Roughly VOC's class frequencies: person common, the rest rare.
FREQUENCIES = np.array([0.4, 0.08, 0.07, 0.1, 0.06, 0.04])


def realistic_predictions(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels with VOC-like frequencies (every image has one) and scores of an imperfect
    model: positives mostly high, negatives mostly low, rounded so ties occur."""
    rng = np.random.default_rng(seed)
    y = rng.random((n, len(CLASSES))) < FREQUENCIES
    y[~y.any(axis=1), 0] = True
    scores = np.where(y, rng.beta(4, 2, y.shape), rng.beta(1, 6, y.shape))
    return y, np.round(scores, 2)


@pytest.fixture(scope="module")
def review() -> RunReview:
    y, scores = realistic_predictions()
    rows = np.arange(len(y)) * 3 + 7  # image ids that are not positions
    return RunReview(rows, CLASSES, scores, y)


@pytest.mark.parametrize("thresholds", [
    0.5, 0.0, 1.0, 0.3, [0.1, 0.2, 0.35, 0.5, 0.77, 0.9],
    # Exactly on rounded scores: ties must count as predicted (>=), as in metrics.py.
    [0.45, 0.45, 0.6, 0.6, 0.2, 0.01],
])
def test_counts_equal_sklearn_multilabel_confusion_matrix(review, thresholds):
    t = review.thresholds(thresholds)
    expected = multilabel_confusion_matrix(review.y_true, review.scores >= t)
    counts = review.counts(t)
    np.testing.assert_array_equal(counts.matrices(), expected)
    np.testing.assert_array_equal(counts.tp, expected[:, 1, 1])
    np.testing.assert_array_equal(counts.fp, expected[:, 0, 1])


def test_moving_one_threshold_changes_only_that_class(review):
    before = review.counts(0.5)
    after = review.counts([0.5, 0.2, 0.5, 0.5, 0.5, 0.5])
    assert after.tp[1] + after.fp[1] > before.tp[1] + before.fp[1]
    for cell in CELLS:
        np.testing.assert_array_equal(np.delete(after.cell(cell), 1),
                                      np.delete(before.cell(cell), 1))


def test_table_equals_metrics_per_class_metrics(review):
    t = review.thresholds([0.3, 0.4, 0.5, 0.6, 0.5, 0.45])
    table = review.table(t)
    expected = per_class_metrics(review.y_true, review.scores, t, CLASSES)
    for column in ("support", "precision", "recall", "f1", "ap"):
        np.testing.assert_allclose(table[column].to_numpy(dtype=float),
                                   expected[column].to_numpy(dtype=float), err_msg=column)


def test_rates_are_row_normalised(review):
    counts = review.counts(0.5)
    rates = counts.rates()
    np.testing.assert_allclose(rates[:, 1, 1], counts.recall)
    np.testing.assert_allclose(rates[:, 0, 1], counts.false_positive_rate)
    np.testing.assert_allclose(rates.sum(axis=2), 1.0)


def test_cell_rows_are_exactly_the_rows_of_that_cell(review):
    t = review.thresholds([0.3, 0.4, 0.5, 0.6, 0.45, 0.45])
    hit = review.scores >= t
    masks = {"tp": review.y_true & hit, "fp": ~review.y_true & hit,
             "fn": review.y_true & ~hit, "tn": ~review.y_true & ~hit}
    counts = review.counts(t)
    for k, name in enumerate(CLASSES):
        seen = []
        for cell in CELLS:
            rows = review.cell_rows(name, cell, t)
            assert sorted(rows) == sorted(review.rows[masks[cell][:, k]])
            assert len(rows) == counts.cell(cell)[k]
            cell_scores = review.scores[review.positions(rows), k]
            assert np.all(np.diff(cell_scores) <= 0), "highest score first"
            seen.extend(rows)
        assert sorted(seen) == sorted(review.rows)


def test_class_rows_are_true_or_predicted(review):
    rows = review.class_rows("dog", 0.5)
    k = CLASSES.index("dog")
    mask = review.y_true[:, k] | (review.scores[:, k] >= 0.5)
    assert sorted(rows) == sorted(review.rows[mask])


def test_class_order_by_support_and_by_f1(review):
    counts = review.counts(0.5)
    by_support = class_order(counts, "support")
    assert CLASSES[by_support[0]] == "person"
    assert np.all(np.diff(counts.support[by_support]) <= 0)
    assert np.all(np.diff(counts.f1[class_order(counts, "f1")]) >= 0)
    with pytest.raises(ValueError, match="unknown class order"):
        class_order(counts, "colour")


def test_bad_input_is_named():
    y, scores = realistic_predictions(20)
    with pytest.raises(ValueError, match="differ in shape"):
        ThresholdCounter(y[:10], scores, CLASSES)
    with pytest.raises(ValueError, match=r"scores must be \(n_images, 6\)"):
        ThresholdCounter(y, scores[:, :3], CLASSES)
    bad = scores.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ThresholdCounter(y, bad, CLASSES)
    with pytest.raises(ValueError, match="expected 6 thresholds"):
        ThresholdCounter(y, scores, CLASSES).counts(np.zeros(3))
    review = RunReview(np.arange(20), CLASSES, scores, y)
    with pytest.raises(KeyError, match="'horse' is not in this run"):
        review.cell_rows("horse", "tp", 0.5)
    with pytest.raises(ValueError, match="unknown confusion cell"):
        review.cell_rows("dog", "xx", 0.5)
    with pytest.raises(KeyError, match="no prediction"):
        review.positions([999])
