"""The Training tab's device line: what the chosen backend will train on, and why the CPU.

Before a run it shows :func:`vocgui.training.devices.expected_device` (the NVIDIA driver
and the installed packages, asked on a pool thread: ``nvidia-smi`` can take a moment;
no backend is imported); once a run starts, what the training process really got.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from vocgui.training.devices import expected_device


class _Probe(QObject):
    done = Signal(str, str)  # backend, description


class _ProbeTask(QRunnable):
    def __init__(self, backend: str, probe: _Probe) -> None:
        super().__init__()
        self.backend, self.probe = backend, probe

    def run(self) -> None:
        self.probe.done.emit(self.backend, expected_device(self.backend).describe())


class DeviceLine(QLabel):
    """"Device: ..." for the backend last asked about (:meth:`show_backend`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._backend = ""
        self._known: dict[str, str] = {}
        self._probe = _Probe(self)
        self._probe.done.connect(self._on_probed)

    def show_backend(self, backend: str) -> None:
        """Show the expected device of ``backend`` (probed once, off the GUI thread)."""
        self._backend = backend
        if backend in self._known:
            self._show(self._known[backend], expected=True)
            return
        self.setText(f"Device ({backend}): checking…")
        QThreadPool.globalInstance().start(_ProbeTask(backend, self._probe))

    def show_run_device(self, description: str) -> None:
        """What the running training process reported."""
        self._show(description, expected=False)

    @Slot(str, str)
    def _on_probed(self, backend: str, description: str) -> None:
        self._known[backend] = description
        if backend == self._backend:
            self._show(description, expected=True)

    def _show(self, description: str, expected: bool) -> None:
        note = " (expected; the run reports what it gets)" if expected else ""
        self.setText(f"Device: {description}{note}")
