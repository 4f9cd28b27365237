"""Turns a training process's events into run records in the project.

Events are the plain dicts of docs/architecture.md section 4; this runs on the thread
that owns the project (the GUI thread or the CLI), never in the training process.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vocgui.core.project.project import Project


class RunRecorder:
    """Records the events of run ``run_id``: epochs, predictions, the end of the run.

    ``scores_only`` records only predictions: a later scoring pass of a finished run
    (``vocgui predict``) must not touch its history or status."""

    def __init__(self, project: Project, run_id: int, scores_only: bool = False) -> None:
        self.project = project
        self.run_id = run_id
        self.scores_only = scores_only

    def handle(self, event: dict) -> None:
        """Record one event; types that carry nothing to keep (batch, log, ...) are ignored.

        A 'predictions' event names an .npz file holding ``rows`` (image ids), ``scores``
        (n_rows x n_classes) and ``classes`` (and, for the scoring pass of split "all",
        ``in_sample``; its ``features`` file is recorded by name); ValueError names the
        file if it is unusable.
        """
        kind = event.get("type")
        if self.scores_only and kind != "predictions":
            return
        if kind == "epoch":
            self.project.log_epoch(self.run_id, int(event["epoch"]), dict(event["metrics"]))
        elif kind == "predictions":
            self._save_predictions(Path(event["file"]), event.get("split", "val"),
                                   event.get("features"))
        elif kind == "finished":
            self.project.finish_run(self.run_id, event["status"],
                                    model_path=event.get("model_path"),
                                    message=event.get("message", ""))

    def _save_predictions(self, path: Path, split: str, features: str | None) -> None:
        try:
            with np.load(path, allow_pickle=False) as npz:
                rows, scores, classes = npz["rows"], npz["scores"], npz["classes"]
                in_sample = npz.get("in_sample")
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"{path}: unusable predictions file ({exc}); it needs arrays "
                             "'rows', 'scores' and 'classes'") from exc
        self.project.save_predictions(self.run_id, rows, [str(c) for c in classes], scores,
                                      split=split, in_sample=in_sample, features=features)
