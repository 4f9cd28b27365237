"""The review panel's controls: the run picker and the threshold bar."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from vocgui.core.evaluation.review_runs import run_caption
from vocgui.qt.review.review_session import ORDERS, ReviewSession

#: Slider steps over [0, 1]: 0.001 resolution.
SLIDER_STEPS = 1000


class RunPicker(QWidget):
    """A combo box of the runs that can be reviewed; ``run_chosen(run_id)`` on a pick."""

    run_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(36)
        self.combo.setPlaceholderText("no run with validation predictions")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Run:"))
        layout.addWidget(self.combo, 1)
        self.combo.activated.connect(self._activated)

    def set_runs(self, runs: pd.DataFrame, current: int | None) -> None:
        """List ``runs`` (``reviewable_runs`` frame) and select ``current`` without emitting."""
        self.combo.blockSignals(True)
        self.combo.clear()
        for _, run in runs.iterrows():
            self.combo.addItem(run_caption(run), int(run["id"]))
        index = self.combo.findData(current) if current is not None else -1
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def run_ids(self) -> list[int]:
        return [int(self.combo.itemData(i)) for i in range(self.combo.count())]

    def _activated(self, index: int) -> None:
        self.run_chosen.emit(int(self.combo.itemData(index)))


class ThresholdBar(QWidget):
    """Global threshold slider, 'Best F1 per class' with its gain, reset, panel order."""

    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("One threshold for every class: a class is predicted when "
                               "its score reaches it")
        self.value_label = QLabel("0.500")
        self.best_button = QPushButton("Best F1 per class")
        self.best_button.setToolTip("Set each class's threshold to the one with the best F1 "
                                    "on this run's validation images")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the run's own threshold for every class")
        self.gain_label = QLabel("")
        self.order_combo = QComboBox()
        for key, caption in ORDERS.items():
            self.order_combo.addItem(caption, key)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Threshold:"))
        layout.addWidget(self.slider, 2)
        layout.addWidget(self.value_label)
        layout.addWidget(self.best_button)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.gain_label, 1)
        layout.addWidget(QLabel("Order by:"))
        layout.addWidget(self.order_combo)
        self.slider.valueChanged.connect(self._slid)
        self.best_button.clicked.connect(self.apply_best)
        self.reset_button.clicked.connect(self.reset)
        self.order_combo.currentIndexChanged.connect(
            lambda _i: session.set_order(self.order_combo.currentData()))
        session.review_changed.connect(self._review_changed)
        session.counts_changed.connect(self._counts_changed)
        self._review_changed()

    def set_global_threshold(self, value: float) -> None:
        """Move the slider (and so every class's threshold) to ``value``."""
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * SLIDER_STEPS))
        self.slider.blockSignals(False)
        # Applied even when the slider did not move: per-class thresholds may differ, and
        # the slider always means "every class at this value".
        self.session.set_global_threshold(value)

    def apply_best(self) -> None:
        best = self.session.apply_best_thresholds()
        if best is None:
            return
        before, after = best["current_f1"].mean(), best["f1"].mean()
        self.gain_label.setText(f"macro F1 {before:.3f} → {after:.3f} ({after - before:+.3f}) "
                                "on validation")
        self.gain_label.setToolTip("\n".join(
            f"{name}: t={row.threshold:.3f}, F1 {row.current_f1:.3f} → {row.f1:.3f}"
            for name, row in best.iterrows()))

    def reset(self) -> None:
        self.set_global_threshold(self.session.run_threshold)
        self.gain_label.clear()

    def _slid(self, value: int) -> None:
        self.session.set_global_threshold(value / SLIDER_STEPS)

    def _review_changed(self) -> None:
        enabled = self.session.review is not None
        for widget in (self.slider, self.best_button, self.reset_button):
            widget.setEnabled(enabled)
        self.slider.blockSignals(True)
        self.slider.setValue(round(self.session.run_threshold * SLIDER_STEPS))
        self.slider.blockSignals(False)
        self.gain_label.clear()

    def _counts_changed(self, _counts: object) -> None:
        thresholds = self.session.thresholds
        uniform = len(thresholds) and bool((thresholds == thresholds[0]).all())
        self.value_label.setText(f"{thresholds[0]:.3f}" if uniform else "per class")
