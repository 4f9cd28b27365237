"""VOC devkit AP (2007 11-point, 2010+ all-points) beside scikit-learn's, against values
worked out by hand; difficult-only labels ignored; macro-F1 and mAP over the same classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

from vocgui.core.evaluation.average_precision import (
    average_precision_table,
    voc07_ap,
    voc10_ap,
)
from vocgui.core.evaluation.difficult import difficult_only
from vocgui.core.evaluation.metrics import classification_metrics, per_class_metrics
from vocgui.core.evaluation.review_runs import load_review
from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.project import Project

# Ranked by score: positive, negative, negative, positive, positive (3 positives).
# precision 1, 1/2, 1/3, 2/4, 3/5 at recall 1/3, 1/3, 1/3, 2/3, 1.
POSITIVE = np.array([1, 0, 0, 1, 1], dtype=bool)
SCORE = np.array([0.9, 0.8, 0.7, 0.6, 0.5])


def test_the_three_definitions_against_hand_computed_values():
    # scikit-learn: (1/3)(1 + 1/2 + 3/5) -- precision at each positive, no interpolation
    assert average_precision_score(POSITIVE, SCORE) == pytest.approx(0.7)
    # VOC2010+: precision made monotone (0.5 at recall 2/3 becomes 0.6):
    # (1/3)(1) + (1/3)(0.6) + (1/3)(0.6) = 11/15
    assert voc10_ap(POSITIVE, SCORE) == pytest.approx(11 / 15)
    # VOC2007: recall 0, .1, .2, .3 -> 1; .4 ... 1.0 (7 points) -> 0.6; mean of 11
    assert voc07_ap(POSITIVE, SCORE) == pytest.approx((4 * 1 + 7 * 0.6) / 11)
    assert np.isnan(voc07_ap(np.zeros(3, bool), SCORE[:3]))
    assert np.isnan(voc10_ap(np.zeros(3, bool), SCORE[:3]))


def test_ignored_labels_leave_the_voc_columns_only():
    y = POSITIVE[:, None]
    ignore = np.zeros_like(y)
    ignore[1, 0] = True  # the second-ranked image: its label only from difficult objects
    table = average_precision_table(y, SCORE[:, None], ["cat"], ignore)
    # without it: positive, negative, positive, positive -> precision 1, 1/2, 2/3, 3/4;
    # monotone: 1, .75, .75 at recall 1/3, 2/3, 1
    assert table.loc["cat", "ap_voc10"] == pytest.approx((1 + 0.75 + 0.75) / 3)
    assert table.loc["cat", "ap"] == pytest.approx(0.7)  # scikit-learn's uses every label


def test_difficult_only_marks_labels_whose_objects_are_all_difficult():
    objects = pd.DataFrame({"image": [0, 0, 1, 1, 2], "name": ["cat", "dog", "cat", "cat",
                                                                "dog"],
                            "difficult": [True, False, True, False, True]})
    mask = difficult_only(objects, np.array([2, 0, 1]), ["cat", "dog", "bird"])
    np.testing.assert_array_equal(mask, [[False, True, False],   # image 2: dog difficult
                                         [True, False, False],   # image 0: cat difficult
                                         [False, False, False]])  # image 1: one easy cat


def test_macro_f1_and_map_are_over_the_same_classes_and_absent_is_nan():
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]], dtype=bool)  # class 2 absent
    scores = np.array([[.9, .2, .6], [.1, .8, .1], [.7, .6, .2], [.2, .1, .1]])
    metrics = classification_metrics(y, scores, 0.5, ["a", "b", "c"])
    # a and b are predicted perfectly; c has no support and is in neither mean
    assert metrics["f1_macro"] == pytest.approx(1.0)
    assert metrics["map"] == pytest.approx(1.0)
    assert metrics["map_voc07"] == pytest.approx(1.0) and metrics["map_voc10"] == 1.0
    assert metrics["ap_excluded"] == ["c"]
    table = per_class_metrics(y, scores, 0.5, ["a", "b", "c"])
    assert np.isnan(table.loc["c", ["recall", "f1", "ap"]].astype(float)).all()
    assert table.loc["c", "precision"] == 0.0  # predicted once, wrongly: defined
    review = RunReview(np.arange(4), ["a", "b", "c"], scores, y)
    summary = review.summary(review.counts(0.5))
    assert summary["f1_macro"] == pytest.approx(1.0) and summary["map"] == pytest.approx(1.0)
    assert summary["map_voc07"] == pytest.approx(1.0)
    reviewed = review.table(0.5)
    assert np.isnan(reviewed.loc["c", ["recall", "f1", "ap", "ap_voc07", "ap_voc10"]]
                    .astype(float)).all()


def test_a_review_of_real_voc_ignores_difficult_only_labels(voc_sample, tmp_path):
    """Real VOC2012 XMLs: a model that misses exactly the labels that come only from
    difficult objects loses scikit-learn AP but keeps a perfect VOC AP, as in the devkit."""
    with Project.create_from_voc(tmp_path / "voc.vocgui", voc_sample) as project:
        snapshot = project.snapshot()
        run_id = project.create_run({"backbone": "small_cnn"}, snapshot)
        rows = np.arange(len(project.images))
        y = snapshot.label_matrix()
        hard = difficult_only(project.objects, rows, project.classes)
        assert hard.sum() >= 10 and (y | ~hard).all()  # difficult-only labels are labels
        scores = np.where(y & ~hard, 0.9, 0.1)
        scores[hard] = 0.0  # ranked below every negative
        project.save_predictions(run_id, rows, list(project.classes), scores)
        review = load_review(project, run_id)
    np.testing.assert_array_equal(review.ignore, hard)
    table = review.average_precisions()
    touched = hard.any(axis=0)
    assert (table.loc[touched, "ap"] < 1).all()
    assert (table.loc[touched, "ap_voc07"] == 1).all()
    assert (table.loc[touched, "ap_voc10"] == 1).all()
