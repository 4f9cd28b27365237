"""cleanlab's multi-label label issues: a deliberately wrong label must rank near the top."""

from __future__ import annotations

import numpy as np
import pytest
from test_evaluation_confusion import CLASSES, realistic_predictions

from vocgui.core.evaluation.label_issues import LabelIssueError, find_label_issues, label_quality


def test_flipped_labels_rank_near_the_top_with_the_right_fix():
    y, scores = realistic_predictions(800, seed=5)
    rows = np.arange(len(y)) + 1000
    dog, cat = CLASSES.index("dog"), CLASSES.index("cat")
    # A dog the annotator missed: the model is sure there is one, the label says no.
    missed = int(np.flatnonzero(y[:, dog] & ~y[:, cat])[0])
    y_given = y.copy()
    y_given[missed, dog] = False
    scores[missed, dog] = 0.97
    # A cat that is not there: labelled, but the model is sure it is absent.
    wrong = int(np.flatnonzero(~y[:, cat] & ~y[:, dog])[0])
    y_given[wrong, cat] = True
    scores[wrong, cat] = 0.02

    issues = find_label_issues(y_given, scores, CLASSES, rows)
    top = list(issues["row"][:10])
    assert rows[missed] in top and rows[wrong] in top
    fix = issues.set_index("row")
    assert fix.loc[rows[missed], "add"] == ("dog",)
    assert "dog" in fix.loc[rows[missed], "suggested"]
    assert fix.loc[rows[wrong], "remove"] == ("cat",)
    assert "cat" not in fix.loc[rows[wrong], "suggested"]
    assert "cat" in fix.loc[rows[wrong], "given"]
    assert np.all(np.diff(issues["quality"]) >= 0), "most likely first"


def test_max_issues_and_clear_errors():
    y, scores = realistic_predictions(300, seed=1)
    assert len(find_label_issues(y, scores, CLASSES, max_issues=3)) <= 3
    with pytest.raises(LabelIssueError, match=r"probabilities in \[0, 1\]"):
        find_label_issues(y, scores * 3, CLASSES)
    with pytest.raises(LabelIssueError, match="at least 2 classes"):
        find_label_issues(y[:, :1], scores[:, :1], CLASSES[:1])


def test_suggestions_of_a_timid_model_follow_its_own_scale():
    # Every score below 0.5: at a fixed 0.5 every label would look wrong. The default
    # per-class confident-learning thresholds adapt to the model's scale instead.
    y, scores = realistic_predictions(800, seed=6)
    scores = scores * 0.3
    issues = find_label_issues(y, scores, CLASSES)
    assert len(issues) > 0
    carrying = np.array([scores[y[:, k], k].mean() for k in range(len(CLASSES))])
    lacking = np.array([scores[~y[:, k], k].mean() for k in range(len(CLASSES))])
    for issue in issues.itertuples():
        row = scores[issue.row]
        crossing = [(~y[issue.row, k] & (row[k] >= carrying[k]))
                    | (y[issue.row, k] & (row[k] < lacking[k])) for k in range(len(CLASSES))]
        changed = [CLASSES.index(c) for c in issue.add + issue.remove]
        if any(crossing):
            assert sorted(changed) == sorted(np.flatnonzero(crossing))
        else:  # nothing crosses: the one class the model doubts most is suggested
            assert changed == [int(np.argmax(np.abs(y[issue.row] - row)))]
    at_half = find_label_issues(y, scores, CLASSES, thresholds=0.5)
    assert all(set(i.remove) == set(i.given) for i in at_half.itertuples()), \
        "at 0.5 every label of a timid model looks wrong"


def test_a_disagreement_counts_by_what_its_class_scores_usually_mean():
    # Two images of a person only, one wrongly labelled dog too, one cat, both scored
    # 0.12 for the wrong class. The model separates dogs cleanly (their negatives score
    # near 0) but scores many real cats that low, so 0.12 on a labelled dog is the
    # stronger evidence and comes first.
    rng = np.random.default_rng(3)
    n = 600
    person, dog, cat = (CLASSES.index(c) for c in ("person", "dog", "cat"))
    y = rng.random((n, len(CLASSES))) < 0.25
    y[~y.any(axis=1), person] = True
    scores = np.where(y, rng.beta(6, 2, y.shape), rng.beta(1, 30, y.shape))
    scores[:, cat] = np.where(y[:, cat], rng.beta(1.2, 2, n), rng.beta(1, 12, n))
    wrong_dog, wrong_cat = 0, 1
    y[[wrong_dog, wrong_cat]] = False
    y[[wrong_dog, wrong_cat], person] = True
    scores[[wrong_dog, wrong_cat]] = 0.01
    scores[[wrong_dog, wrong_cat], person] = 0.95
    y_given = y.copy()
    y_given[wrong_dog, dog] = y_given[wrong_cat, cat] = True
    scores[wrong_dog, dog] = scores[wrong_cat, cat] = 0.12

    # Their raw disagreements tie (0.88 each), and so do cleanlab's quality scores.
    quality = label_quality(y_given, scores)
    assert quality[wrong_dog] < 0.05, "a clean class makes 0.12 on a labelled dog damning"
    assert quality[wrong_dog] < quality[wrong_cat]
    assert wrong_dog in np.argsort(quality)[:10]
    issues = find_label_issues(y_given, scores, CLASSES)
    assert np.allclose(issues["quality"], quality[issues["row"]])
