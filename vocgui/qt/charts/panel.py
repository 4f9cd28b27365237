"""The "Dataset" panel: label imbalance, co-occurrence, labels per image, image sizes
and batch memory for the images the table currently shows.

Edits and filter changes only mark the statistics and charts stale and restart a
single-shot timer (150 ms, longer when the chart on screen is slow to draw); when it
fires, a visible panel recomputes the statistics (a few ms on 17k images) and draws the
chart on screen; the others draw when their tab is shown. A hidden panel does nothing
until it is shown again. Drawing stays on the GUI thread (it is matplotlib's), which is
why it happens only on demand.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure
from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.project import ChangeEvent
from vocgui.core.stats import DatasetStats, batch_memory_bytes, compute_stats
from vocgui.core.wording import plural
from vocgui.plots.dataset_charts import (
    Chart,
    cooccurrence_chart,
    imbalance_chart,
    labels_per_image_chart,
)
from vocgui.plots.dataset_size_charts import batch_memory_chart, format_bytes, image_sizes_chart
from vocgui.qt.app_state import AppState
from vocgui.qt.charts.chart_canvas import ChartCanvas
from vocgui.qt.elided_label import ElidedLabel

#: Edits and filter changes arriving closer together than this cause one recompute.
DEBOUNCE_MS = 150
#: When the chart on screen is slow to draw, wait this many times its draw time (at most
#: MAX_DEBOUNCE_MS), so an annotator typing through images is not stalled by redraws.
DEBOUNCE_DRAW_FACTOR = 2
MAX_DEBOUNCE_MS = 1000


def _no_project(figure: Figure) -> Chart:
    figure.clear()
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No dataset open", ha="center", va="center", color="0.4",
            transform=ax.transAxes)
    return Chart(figure)


class DatasetChartsPanel(QWidget):
    """Dataset charts following the shared state's project, edits and filter."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.stats: DatasetStats | None = None
        self.recompute_count = 0  # statistics recomputations (the tests check debouncing)
        self._stale = True
        self._build_controls()
        self._build_tabs()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._controls)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._settled)
        state.project_changed.connect(self.schedule)
        state.changed.connect(self._data_changed)
        state.filter_changed.connect(self.schedule)

    # --- construction ------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show image counts per class on a logarithmic axis")
        self.target_size = QSpinBox()
        self.target_size.setRange(16, 1024)
        self.target_size.setSingleStep(16)
        self.target_size.setValue(128)
        self.target_size.setSuffix(" px")
        self.target_size.setToolTip("Side of the square the images are resized to")
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 4096)
        self.batch_size.setValue(32)
        self.batch_size.setToolTip("Images per training batch")
        self.summary = ElidedLabel()  # it gives way first when the window is narrow
        self.memory = QLabel()
        self.memory.setToolTip("Memory of one float32 RGB input batch")
        self._controls = QHBoxLayout()
        self._controls.addWidget(self.summary, 1)
        for widget in (self.log_scale, QLabel("Target size"), self.target_size,
                       QLabel("Batch"), self.batch_size, self.memory):
            self._controls.addWidget(widget)
        self.log_scale.toggled.connect(lambda _: self.imbalance.invalidate())
        self.target_size.valueChanged.connect(self._batch_changed)
        self.batch_size.valueChanged.connect(self._batch_changed)

    def _build_tabs(self) -> None:
        self.imbalance = ChartCanvas(self._with_stats(lambda s, f: imbalance_chart(
            s, log_scale=self.log_scale.isChecked(), figure=f)))
        self.cooccurrence = ChartCanvas(self._with_stats(
            lambda s, f: cooccurrence_chart(s, figure=f)))
        self.labels_per_image = ChartCanvas(self._with_stats(
            lambda s, f: labels_per_image_chart(s, figure=f)))
        self.sizes = ChartCanvas(self._with_stats(lambda s, f: image_sizes_chart(s.sizes,
                                                                               figure=f)))
        self.batch_memory = ChartCanvas(lambda f: batch_memory_chart(
            self.target_size.value(), self.batch_size.value(), figure=f))
        self.canvases = (self.imbalance, self.cooccurrence, self.labels_per_image, self.sizes,
                         self.batch_memory)
        self.tabs = QTabWidget()
        for canvas, title, tip in (
            (self.imbalance, "Imbalance", "Images per class; click a bar to filter the table"),
            (self.cooccurrence, "Co-occurrence",
             "Which labels appear together; click a cell to filter the table"),
            (self.labels_per_image, "Labels per image", "How many labels images carry"),
            (self.sizes, "Image sizes", "Widths, heights and aspect ratios"),
            (self.batch_memory, "Batch memory", "Memory per input batch"),
        ):
            self.tabs.setTabToolTip(self.tabs.addTab(canvas, title), tip)
        for canvas in (self.imbalance, self.cooccurrence):
            canvas.classes_clicked.connect(self.state.request_class_filter)
        self._batch_changed()

    def _with_stats(self, draw: Callable[[DatasetStats, Figure], Chart]
                    ) -> Callable[[Figure], Chart]:
        """A builder drawing ``draw(stats, figure)``, or "No dataset open"."""
        def build(figure: Figure) -> Chart:
            stats = self._ensure_stats()
            return _no_project(figure) if stats is None else draw(stats, figure)
        return build

    # --- updating ----------------------------------------------------------------------
    def schedule(self, *_: object) -> None:
        """The project or the filter changed: recompute and redraw every data chart once
        things settle (each call restarts the timer)."""
        self._mark_stale(self.imbalance, self.cooccurrence, self.labels_per_image, self.sizes)

    def _data_changed(self, event: ChangeEvent) -> None:
        # Edits change labels and classes, never image sizes; review status and runs are
        # in no chart.
        if event.kind in ("labels", "classes"):
            self._mark_stale(self.imbalance, self.cooccurrence, self.labels_per_image)

    def _mark_stale(self, *canvases: ChartCanvas) -> None:
        self._stale = True
        for canvas in canvases:
            canvas.mark_stale()
        current = self.tabs.currentWidget()
        cost_ms = 1000 * current.last_draw_s if isinstance(current, ChartCanvas) else 0.0
        self._timer.start(int(min(MAX_DEBOUNCE_MS,
                                  max(DEBOUNCE_MS, DEBOUNCE_DRAW_FACTOR * cost_ms))))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self._timer.stop()
            self._settled()

    def _settled(self) -> None:
        if not self.isVisible():
            return  # showEvent catches up
        self._ensure_stats()
        current = self.tabs.currentWidget()
        if isinstance(current, ChartCanvas):
            current.refresh()

    def _ensure_stats(self) -> DatasetStats | None:
        """The statistics of the current project and filter, recomputed if stale."""
        if self._stale:
            self._stale = False
            self.stats = self._compute()
            self.recompute_count += 1
            self._update_summary()
        return self.stats

    def _compute(self) -> DatasetStats | None:
        project = self.state.project
        if project is None:
            return None
        mask = self.state.visible_mask
        if len(mask) != len(project.images) or mask.all():
            mask = None
        return compute_stats(project.labels, project.classes, project.images,
                             project.objects, mask)

    def _update_summary(self) -> None:
        project = self.state.project
        if self.stats is None or project is None:
            self.summary.setText("No dataset open")
            return
        total = len(project.images) - project.n_unlabeled
        shown = f"{self.stats.n_images:,}" if self.stats.n_images == total else (
            f"{self.stats.n_images:,} of {total:,} (filtered)")
        text = (f"{shown} labeled image{'' if self.stats.n_images == 1 else 's'}, "
                f"{plural(len(self.stats.classes), 'class')}")
        if self.stats.n_unlabeled:  # left out of every label chart
            text += f"; {self.stats.n_unlabeled:,} unlabeled not counted"
        self.summary.setText(text)

    def _batch_changed(self) -> None:
        size, batch = self.target_size.value(), self.batch_size.value()
        self.memory.setText(f"= {format_bytes(batch_memory_bytes(size, batch))} per batch")
        self.batch_memory.invalidate()


