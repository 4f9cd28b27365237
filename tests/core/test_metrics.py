"""vocgui.core.evaluation.metrics against hand-computed values and scikit-learn directly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score

from vocgui.core.evaluation.metrics import classification_metrics, per_class_metrics

# 4 images x 3 classes; class 2 has no positive (AP undefined, excluded from the mAP).
Y = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)
S = np.array([[0.9, 0.2, 0.1], [0.4, 0.8, 0.7], [0.6, 0.3, 0.2], [0.1, 0.1, 0.3]])


def test_hand_computed_values_at_half():
    m = classification_metrics(Y, S, 0.5, classes=["a", "b", "c"])
    # predictions at 0.5: [1,0,0], [0,1,1], [1,0,0], [0,0,0]
    # TP=2 (a@0, b@1), FP=2 (c@1, a@2), FN=2 (a@1, b@2)
    assert m["precision_micro"] == pytest.approx(0.5)
    assert m["recall_micro"] == pytest.approx(0.5)
    assert m["f1_micro"] == pytest.approx(0.5)
    assert m["hamming_loss"] == pytest.approx(4 / 12)
    assert m["subset_accuracy"] == pytest.approx(2 / 4)  # rows 0 and 3 exactly right
    # AP of a: ranking 0.9(+) 0.6(-) 0.4(+) 0.1(-) -> (1 + 2/3) / 2
    assert m["ap"][0] == pytest.approx((1 + 2 / 3) / 2)
    # AP of b: 0.8(+) 0.3(+) -> 1
    assert m["ap"][1] == pytest.approx(1.0)
    assert m["ap"][2] is None
    assert m["ap_excluded"] == ["c"]
    assert m["map"] == pytest.approx(((1 + 2 / 3) / 2 + 1) / 2)
    assert m["n_samples"] == 4


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_matches_sklearn(average):
    rng = np.random.default_rng(3)
    y = rng.random((200, 5)) < 0.3
    s = np.clip(y * 0.4 + rng.random((200, 5)) * 0.7, 0, 1)
    thr = np.array([0.3, 0.4, 0.5, 0.6, 0.7])
    m = classification_metrics(y, s, thr)
    pred = s >= thr
    kw = {"average": average, "zero_division": 0}
    assert m[f"f1_{average}"] == pytest.approx(f1_score(y, pred, **kw))
    assert m[f"precision_{average}"] == pytest.approx(precision_score(y, pred, **kw))
    assert m[f"recall_{average}"] == pytest.approx(recall_score(y, pred, **kw))
    aps = [average_precision_score(y[:, j], s[:, j]) for j in range(5)]
    assert m["map"] == pytest.approx(np.mean(aps))
    assert m["ap_excluded"] == []


def test_per_class_table():
    table = per_class_metrics(Y, S, 0.5, ["a", "b", "c"])
    assert list(table.index) == ["a", "b", "c"]
    assert table.loc["a", "support"] == 2
    assert table.loc["a", "precision"] == pytest.approx(0.5)
    assert table.loc["a", "recall"] == pytest.approx(0.5)
    assert table.loc["b", "precision"] == pytest.approx(1.0)
    assert table.loc["b", "recall"] == pytest.approx(0.5)
    assert table.loc["c", "precision"] == 0.0  # one false positive, no true one
    assert np.isnan(table.loc["c", "ap"])


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="same shape"):
        classification_metrics(Y, S[:, :2])
    with pytest.raises(ValueError, match="one per class"):
        classification_metrics(Y, S, np.array([0.5, 0.5]))
