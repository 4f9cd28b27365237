"""Before a run on the project's own splits: count the validation images with near-copies
in training (:mod:`vocgui.core.duplicates.leaks`) on a pool thread, then ask whether to
train anyway.

The inputs are read on the GUI thread when Start is clicked, so the count is about the
project as it is then; the count itself (the hash search, and a run's feature pairs when
they are not cached yet) would hold the GUI thread for a second or more on a large
dataset.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from vocgui.core.duplicates.leaks import LeakCount, count_leaks, leak_inputs
from vocgui.core.project import Project
from vocgui.qt.background import BackgroundCall
from vocgui.training.config import TrainConfig

TITLE = "Validation images seen in training"


class LeakGate(QObject):
    """One check at a time; ``passed(config)`` when the run may start, ``declined(text)``
    when the user chose not to train (``text`` says so)."""

    passed = Signal(object)
    declined = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self._config: TrainConfig | None = None
        self.call = BackgroundCall(self)
        self.call.done.connect(self._counted)
        self.call.failed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self.call.running

    def check(self, project: Project, config: TrainConfig) -> bool:
        """Start checking a run of ``config``; False when there is nothing to check (the
        run may start at once)."""
        inputs = leak_inputs(project, config.split)
        if inputs is None:
            return False
        self._config = config
        self.call.start(lambda: count_leaks(inputs))
        return True

    def cancel(self) -> None:
        """Forget the check running (Stop, or its project was closed)."""
        self.call.forget()
        self._config = None

    def _counted(self, count: LeakCount) -> None:
        if count.warning is None:
            self.passed.emit(self._config)
            return
        self._ask(count.warning, f"Not started: {count.summary}")

    def _failed(self, message: str) -> None:
        self._ask("Could not check whether validation images have copies in training: "
                  f"{message}", f"Not started: the check for copies failed ({message}).")

    def _ask(self, text: str, not_started: str) -> None:
        answer = QMessageBox.question(self._window, TITLE, f"{text}\n\nTrain anyway?")
        if answer == QMessageBox.StandardButton.Yes:
            self.passed.emit(self._config)
        else:
            self.declined.emit(not_started)
