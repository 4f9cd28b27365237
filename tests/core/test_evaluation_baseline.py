"""The weak-model verdict: a model must clearly beat the class-frequency baseline (and a
chance ranking of its own scores) before its label-error suggestions become fixes."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from vocgui.core.evaluation.baseline import model_verdict
from vocgui.core.evaluation.report import issues_frame
from vocgui.core.evaluation.run_review import RunReview

CLASSES = [f"c{k}" for k in range(20)]


def _labels(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.random((n, len(CLASSES))) < 0.3
    y[0] = True  # every class has support
    return y


@pytest.mark.parametrize("seed", range(8))
def test_a_chance_level_model_is_too_weak_and_gets_no_fixes(seed):
    # 22 images, as in the issue: random scores still reach an mAP well above the mean
    # prevalence, which is why a bare "mAP > prevalence" test would let it through
    y = _labels(22)
    scores = np.random.default_rng(100 + seed).random(y.shape)
    verdict = model_verdict(scores, y)
    assert not verdict.clearly_better
    assert "not clearly better" in verdict.message and "none is offered" in verdict.message
    review = RunReview(np.arange(22), CLASSES, scores, y)
    assert review.trusted_label_issues()[1].empty
    assert issues_frame(review).empty
    assert not review.label_issues().empty  # cleanlab alone would have suggested fixes


def test_a_model_that_ranks_well_is_clearly_better():
    y = _labels(60)
    scores = np.clip(0.35 * y + 0.65 * np.random.default_rng(1).random(y.shape), 0, 1)
    verdict = model_verdict(scores, y)
    assert verdict.clearly_better, verdict.message
    expected = np.mean([average_precision_score(y[:, k], scores[:, k])
                        for k in range(len(CLASSES))])
    assert verdict.model_map == pytest.approx(expected)
    assert verdict.baseline_map == pytest.approx(y.mean(axis=0).mean())
    assert verdict.model_map >= verdict.needed_map > verdict.chance_map > verdict.baseline_map


def test_ignored_labels_are_left_out_of_model_and_baseline():
    y = _labels(40)
    scores = np.where(y, 0.9, 0.1)
    ignore = np.zeros_like(y)
    ignore[:, 0] = True  # the whole first class: every label comes from difficult objects
    full, partial = model_verdict(scores, y), model_verdict(scores, y, ignore)
    assert partial.baseline_map == pytest.approx(y[:, 1:].mean(axis=0).mean())
    assert full.baseline_map == pytest.approx(y.mean(axis=0).mean())
    assert not model_verdict(scores, y, np.ones_like(y)).clearly_better


def test_many_classes_are_judged_on_the_most_frequent_in_bounded_time():
    rng = np.random.default_rng(5)
    y = rng.random((300, 2000)) < rng.random(2000) * 0.1
    scores = np.clip(0.4 * y + 0.6 * rng.random(y.shape), 0, 1)
    started = time.perf_counter()
    verdict = model_verdict(scores, y)
    assert time.perf_counter() - started < 20  # about 2 s here; minutes without the cap
    assert verdict.clearly_better
    assert "over the 200 most frequent of" in verdict.message
