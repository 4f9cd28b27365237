"""``SuggestionSource``: the suggestions of the chosen run's model for every image of the
open project, shared by the tag editor, the table and the Label next queue.

Reading a run's scores (17,125 x 20 floats and its snapshot) happens on a pool thread,
in its own read-only Project (the open one belongs to the GUI thread). The GUI thread
only matches them to the current classes (numpy, a few ms), again after every class
edit, and keeps the Label next queue, recomputed lazily after label edits.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from vocgui.core.project import ChangeEvent, Project, RunEvent
from vocgui.core.suggestions import (
    RunScores,
    Suggestions,
    default_run,
    label_next_queue,
    load_run_scores,
    match_classes,
    model_name,
    suggestion_runs,
)
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall


def read_scores(path: str, chosen: int | None) -> tuple[list[tuple[int, str]], RunScores | None]:
    """On a worker: the runs that can make suggestions ((id, name), newest first) and
    the scores of ``chosen`` (None, or a run no longer there: the default run)."""
    with Project.open(path, read_only=True) as project:
        runs = suggestion_runs(project)
        names = [(int(i), model_name(c, int(i))) for i, c in zip(runs["id"], runs["config"],
                                                                 strict=True)]
        run_id = chosen if chosen in {i for i, _ in names} else default_run(project)
        return names, None if run_id is None else load_run_scores(project, run_id)


class SuggestionSource(QObject):
    """The current model's :class:`Suggestions` (None without a model), its name and the
    runs to choose from; ``changed`` after each change of them."""

    changed = Signal()
    #: The Label next queue may have changed (labels, states or suggestions).
    queue_changed = Signal()

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        #: The run chosen on screen; None: the default run (newest completed).
        self.chosen_run: int | None = None
        self.runs: list[tuple[int, str]] = []
        self.suggestions: Suggestions | None = None
        self.loading = False
        self.error = ""
        self._scores: RunScores | None = None
        self._queue: np.ndarray | None = None
        self._call = BackgroundCall(self)
        self._call.done.connect(self._loaded)
        self._call.failed.connect(self._failed)
        state.project_changed.connect(self._project_changed)
        state.run_changed.connect(self._run_changed)
        state.changed.connect(self._data_changed)

    # --- public ------------------------------------------------------------------------
    def choose_run(self, run_id: int | None) -> None:
        """Take suggestions from run ``run_id`` (None: the default run)."""
        self.chosen_run = run_id
        self.reload()

    def reload(self) -> None:
        """Read the chosen run's scores again, off the GUI thread."""
        project = self.state.project
        if project is None:
            self._call.forget()
            self._set(None, [])
            return
        self.loading = True
        self.changed.emit()
        self._call.start(lambda p=project.location, c=self.chosen_run: read_scores(p, c))

    def caption(self) -> str:
        """What the tag editor says about the model, e.g. "Suggestions from run 7
        (cross-validated, 5 folds)"."""
        s = self.suggestions
        if self.loading and s is None:
            return "Reading the model's scores…"
        if s is None:
            return (f"No suggestions: {self.error}" if self.error else
                    "No suggestions yet: train a run (Training tab)")
        text = f"Suggestions from {s.name}"
        if s.unknown:
            text += f"; it does not know {', '.join(s.unknown)}"
        return text

    def thresholds_note(self) -> tuple[str, str]:
        """(which thresholds the suggestions use, briefly; each class's threshold and
        where it came from, a line each); both '' without a model."""
        s = self.suggestions
        return ("", "") if s is None else (s.origin.short_caption(), s.origin.details())

    def queue(self) -> np.ndarray:
        """The Label next queue: unlabeled row ids, most uncertain first."""
        if self._queue is None:
            project = self.state.project
            self._queue = (np.zeros(0, dtype=np.int64) if project is None else
                           label_next_queue(self.suggestions,
                                            project.images["labeled"].to_numpy(dtype=bool)))
        return self._queue

    # --- following the project ---------------------------------------------------------
    def _project_changed(self, _project: Project | None) -> None:
        self.chosen_run = None
        self._scores = None
        self._match()  # none until the new project's scores are read
        self.reload()

    def _run_changed(self, event: RunEvent) -> None:
        # A run's scoring pass saved (or it completed): a newer default, or new scores of
        # the chosen run; thresholds saved with the run in use (or that undone).
        if (event.kind == "run_predictions" and event.split == "all") or \
                (event.kind == "run_finished" and event.status == "completed") or \
                (event.kind == "run_thresholds" and self.suggestions is not None
                 and event.run_id == self.suggestions.run_id):
            self.reload()

    def _data_changed(self, event: ChangeEvent) -> None:
        if event.kind == "classes" and self._scores is not None:
            self._match()
            self.changed.emit()
        if event.kind in ("labels", "review", "classes"):
            self._queue = None
            self.queue_changed.emit()

    @Slot(object)
    def _loaded(self, result: tuple[list[tuple[int, str]], RunScores | None]) -> None:
        runs, scores = result
        self.error = ""
        self._set(scores, runs)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.error = f"the model's scores could not be read ({message})"
        self._set(None, self.runs)

    def _set(self, scores: RunScores | None, runs: list[tuple[int, str]]) -> None:
        self.loading = False
        self._scores, self.runs = scores, runs
        self._match()
        self.changed.emit()
        self.queue_changed.emit()

    def _match(self) -> None:
        project = self.state.project
        self.suggestions = (None if self._scores is None or project is None else
                            match_classes(self._scores, project.classes, len(project.images)))
        self._queue = None
