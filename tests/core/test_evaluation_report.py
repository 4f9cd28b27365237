"""PR curves with operating points, run comparison, relabelled images and report tables."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, precision_score, recall_score
from test_evaluation_confusion import CLASSES, realistic_predictions

from vocgui.core.evaluation.compare import compare_runs, relabelled_rows, shared_rows
from vocgui.core.evaluation.curves import operating_points
from vocgui.core.evaluation.report import write_tables
from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.voc.labels_csv import decode_labels


def make_review(seed: int, n: int = 300, start: int = 0) -> RunReview:
    y, scores = realistic_predictions(n, seed)
    return RunReview(np.arange(start, start + n), CLASSES, scores, y)


def test_curves_and_operating_points_match_sklearn():
    review = make_review(0)
    t = review.thresholds([0.3, 0.5, 0.5, 0.6, 0.4, 0.5])
    points = operating_points(review.counts(t))
    for k, curve in enumerate(review.curves()):
        truth, column = review.y_true[:, k], review.scores[:, k]
        assert curve.average_precision == pytest.approx(average_precision_score(truth, column))
        assert curve.support == truth.sum()
        assert points[k, 0] == pytest.approx(recall_score(truth, column >= t[k]))
        assert points[k, 1] == pytest.approx(
            precision_score(truth, column >= t[k], zero_division=0))


def test_compare_runs_gives_b_minus_a_per_class_and_macro():
    a, b = make_review(1), make_review(2, start=100)
    frame = compare_runs(a, b, 0.5, [0.4] * len(CLASSES))
    table_a, table_b = a.table(0.5), b.table(0.4)
    for name in CLASSES:
        assert frame.loc[name, "f1_delta"] == pytest.approx(
            table_b.loc[name, "f1"] - table_a.loc[name, "f1"])
        assert frame.loc[name, "support_a"] == table_a.loc[name, "support"]
    assert frame.loc["(macro)", "f1_a"] == pytest.approx(table_a["f1"].mean())
    np.testing.assert_array_equal(shared_rows(a, b), np.arange(100, 300))


def test_compare_runs_with_a_new_class_leaves_gaps():
    a = make_review(1)
    y, scores = realistic_predictions(300, 4)
    b = RunReview(np.arange(300), [*CLASSES[:-1], "horse"], scores, y)
    frame = compare_runs(a, b)
    assert list(frame.index) == [*CLASSES, "horse", "(macro)"]
    assert np.isnan(frame.loc["horse", "f1_a"]) and np.isnan(frame.loc["bottle", "f1_b"])


def test_relabelled_rows_are_those_changed_since_the_run():
    review = make_review(3, n=50, start=10)
    labels = np.zeros((80, len(CLASSES) + 1), dtype=bool)  # project: one extra class
    project_classes = ["extra", *CLASSES]
    labels[10:60, 1:] = review.y_true
    assert len(relabelled_rows(review, labels, project_classes)) == 0
    labels[12, 1 + CLASSES.index("dog")] ^= True
    labels[40, 0] = True  # a class the run did not know: not a relabel of the run's data
    np.testing.assert_array_equal(relabelled_rows(review, labels, project_classes), [12])


def test_write_tables_round_trips(tmp_path):
    review = make_review(5, n=200)
    filenames = [f"img_{i:04d}.jpg" for i in range(200)]
    paths = write_tables(review, 0.5, tmp_path / "out", filenames)
    assert sorted(p.name for p in paths) == ["label_issues.csv", "per_class.csv",
                                             "predictions.csv"]
    per_class = pd.read_csv(tmp_path / "out" / "per_class.csv", index_col="class")
    np.testing.assert_allclose(per_class["f1"], review.table(0.5)["f1"])
    predictions = pd.read_csv(tmp_path / "out" / "predictions.csv", keep_default_na=False)
    assert len(predictions) == 200
    assert predictions.loc[7, "filename"] == "img_0007.jpg"
    k = CLASSES.index("dog")
    np.testing.assert_allclose(predictions["score_dog"], review.scores[:, k])
    first_true = [c for c, on in zip(CLASSES, review.y_true[0], strict=True) if on]
    assert decode_labels(predictions.loc[0, "true"]) == tuple(first_true)
    issues = pd.read_csv(tmp_path / "out" / "label_issues.csv")
    assert list(issues.columns[:2]) == ["row", "filename"]


def test_hostile_class_names_cannot_become_formulas_or_split_lists(tmp_path):
    """Issue 10, item 13: formula-leading names are escaped in every CSV, and label lists
    survive names holding ';' and ','."""
    hostile = ("=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)", "a;b", "c,d")
    y, scores = realistic_predictions(120, 7)
    review = RunReview(np.arange(120), hostile, scores, y)
    filenames = ["=evil.jpg", *(f"img_{i}.jpg" for i in range(1, 120))]
    write_tables(review, 0.5, tmp_path, filenames)
    for name in ("per_class.csv", "predictions.csv", "label_issues.csv"):
        with open(tmp_path / name, newline="", encoding="utf-8") as file:
            cells = [cell for line in csv.reader(file) for cell in line]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], name
    per_class = pd.read_csv(tmp_path / "per_class.csv", index_col=0)
    assert list(per_class.index) == ["'" + n if n[0] in "=+-@" else n for n in hostile]
    predictions = pd.read_csv(tmp_path / "predictions.csv", keep_default_na=False)
    assert predictions.loc[0, "filename"] == "'=evil.jpg"
    for i in range(120):
        expected = tuple(n for n, on in zip(hostile, y[i], strict=True) if on)
        assert decode_labels(predictions.loc[i, "true"]) == expected
