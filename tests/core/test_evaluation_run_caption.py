"""Run pickers name a cross-validated run as such: its epochs count every fold's."""

from __future__ import annotations

import pandas as pd

from vocgui.core.evaluation.review_runs import run_caption


def run(config: dict, n_epochs: int) -> pd.Series:
    return pd.Series({"id": 3, "config": config, "status": "completed",
                      "n_epochs": n_epochs, "created": "2026-12-01T23:50:12"})


def test_a_single_run_and_a_cross_validated_one() -> None:
    assert run_caption(run({"backbone": "small_cnn"}, 3)) == \
        "run 3: small_cnn, completed, 3 epochs, 2026-12-01 23:50"
    assert run_caption(run({"backbone": "small_cnn", "folds": 3}, 9)) == \
        "run 3: small_cnn, cross-validated (3 folds), completed, 9 epochs in all, 2026-12-01 23:50"
