"""A cross-validated run's progress reads as one run: run-wide epochs and an ETA for all
folds, not only the current one (the Training tab and 'vocgui train' show it)."""

from __future__ import annotations

import pytest

from vocgui.training import events
from vocgui.training.crossval import FoldReporter
from vocgui.training.reporter import CollectingReporter


def test_the_eta_adds_the_folds_still_to_come_at_the_mean_time_of_those_done():
    sink = CollectingReporter()
    reporter = FoldReporter(sink, fold=2, folds=5, epochs=3, fold_seconds=[10.0, 14.0])
    reporter.on_event(events.batch(1, 3, 4, 8, 0.5, 1.0, eta=4.0))
    [event] = sink.of_type("batch")
    assert (event["fold"], event["folds"], event["epoch"], event["epochs"]) == (2, 5, 4, 15)
    assert event["eta"] == pytest.approx(4.0 + 3 * 12.0)


def test_before_any_fold_is_done_each_is_expected_to_take_as_long_as_this_one():
    sink = CollectingReporter()
    reporter = FoldReporter(sink, fold=1, folds=3, epochs=2)
    reporter.started -= 6.0  # this fold began 6 s ago and has 2 s left: 8 s a fold
    reporter.on_event(events.batch(2, 2, 3, 4, 0.5, 1.0, eta=2.0))
    [event] = sink.of_type("batch")
    assert event["eta"] == pytest.approx(2.0 + 2 * 8.0, abs=0.5)


def test_the_last_fold_s_eta_is_its_own():
    sink = CollectingReporter()
    FoldReporter(sink, fold=3, folds=3, epochs=2, fold_seconds=[9.0, 9.0]).on_event(
        events.batch(1, 2, 1, 4, 0.5, 1.0, eta=5.0))
    assert sink.of_type("batch")[0]["eta"] == pytest.approx(5.0)
