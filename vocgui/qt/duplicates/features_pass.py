"""The Duplicates tab's "Compute features": a features-only run (a pretrained backbone's
pooled features of every image, no training) in the training child process, followed
on the GUI thread like any run (:class:`~vocgui.qt.training.session.TrainingSession`).

When the backbone's ImageNet weights are not in the Keras cache nothing starts: the
message names the file and where it goes, and which run's features are used meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from vocgui.core.project import Project, ProjectError
from vocgui.qt.training.session import TrainingSession
from vocgui.training.run_start import (
    FeaturesUnavailable,
    RunStartError,
    check_features_weights,
    features_config,
)


class FeaturesPass(QObject):
    """At most one features-only run at a time."""

    #: Images done, of total (the scoring pass's batches, as it reports them).
    progressed = Signal(int, int)
    #: The run ended: (status 'completed'|'stopped'|'failed', message).
    finished = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: TrainingSession | None = None

    @property
    def running(self) -> bool:
        return self.session is not None and self.session.running

    def start(self, project: Project) -> str | None:
        """Start the pass; None when it started, else why not (in words)."""
        if self.running:
            return "Features are being computed already."
        if project.read_only:
            return "The project is open read-only: a features run cannot be recorded."
        try:
            check_features_weights(project)
            self.session = TrainingSession(project, features_config(), self, job="features")
        except FeaturesUnavailable as exc:
            return str(exc)
        except (ProjectError, RunStartError) as exc:
            return f"Cannot compute features: {exc}"
        self.session.event_received.connect(self._event)
        self.session.finished.connect(self.finished)
        return None

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()

    @Slot(object)
    def _event(self, event: dict) -> None:
        if event.get("type") == "scoring":
            self.progressed.emit(int(event["done"]), int(event["total"]))
