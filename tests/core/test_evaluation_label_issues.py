"""cleanlab's multi-label label issues: a deliberately wrong label must rank near the top."""

from __future__ import annotations

import numpy as np
import pytest
from test_evaluation_confusion import CLASSES, realistic_predictions

from vocgui.core.evaluation.label_issues import LabelIssueError, find_label_issues


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
