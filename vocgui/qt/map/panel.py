"""The Map tab: every image as a point laid out from a run's features, coloured by class,
labels, split or the run's scores; lasso or rectangle selects those images in the table,
hovering shows the image, and the current image is ringed and follows the table.

The PCA layout is computed (or read from the run's cache) on a pool thread and shown at
once; UMAP follows (a child process, waited for on a pool thread) and replaces it when
ready; choosing another run or project stops it. Both are cached in the run's folder
(:mod:`vocgui.core.embedding_map`).
"""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.embedding_map import layout, load_run_features, runs_with_features
from vocgui.core.evaluation.thresholds import DEFAULT_THRESHOLD
from vocgui.core.map_colours import COLOURINGS, Colouring, colouring
from vocgui.core.map_umap import LayoutCancelled
from vocgui.core.project import ChangeEvent, Project, RunEvent
from vocgui.core.suggestions import load_run_scores
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall
from vocgui.qt.map.scatter import MapScatter
from vocgui.qt.thumbnails.loader import ThumbnailLoader

_NONE_COLOUR = "#c8c8c8"
_SPLIT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#7f7f7f")
_STEPS = 64


def _argb(colour: str) -> int:
    return QColor(colour).rgba()


def point_colours(colours: Colouring, class_colours: list[str]) -> np.ndarray:
    """Each image's opaque 0xAARRGGBB colour: its category's, or its value's on viridis
    (grey where unknown)."""
    if colours.codes is not None:
        names = (class_colours if colours.key == "class"
                 else list(_SPLIT_COLOURS * (len(colours.names) // len(_SPLIT_COLOURS) + 1)))
        palette = np.asarray([_argb(c) for c in names] + [_argb(_NONE_COLOUR)],
                             dtype=np.uint32)
        return palette[np.where(colours.codes >= 0, colours.codes, len(names))]
    values = colours.values
    known = np.isfinite(values)
    low, high = (values[known].min(), values[known].max()) if known.any() else (0.0, 1.0)
    steps = np.full(len(values), _STEPS, dtype=np.int64)
    steps[known] = np.round((values[known] - low) / max(high - low, 1e-9) * (_STEPS - 1))
    lut = pg.colormap.get("viridis").getLookupTable(nPts=_STEPS, alpha=False)
    palette = np.asarray([0xFF000000 | int(r) << 16 | int(g) << 8 | int(b) for r, g, b in lut]
                         + [_argb(_NONE_COLOUR)], dtype=np.uint32)
    return palette[steps]


class MapPanel(QWidget):
    """Map of the images of the open project, from the chosen run's features."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.run_id: int | None = None
        self.method = ""
        #: Compute UMAP after PCA (off in the tests that do not look at it: a fresh
        #: machine's first UMAP compiles for a minute or more).
        self.umap_enabled = True
        #: Set to stop the UMAP child of the layout no longer wanted.
        self._umap_stop = threading.Event()
        self.pca_call = BackgroundCall(self)
        self.pca_call.done.connect(self._pca_ready)
        self.pca_call.failed.connect(lambda m: self.status.setText(f"Map failed: {m}"))
        #: Class name -> the decision threshold of the run's suggestions (saved, tuned or
        #: its own), which the uncertainty colouring is measured from; None until read.
        self.thresholds: dict[str, float] | None = None
        self.thresholds_call = BackgroundCall(self)
        self.thresholds_call.done.connect(self._thresholds_ready)
        self.umap_call = BackgroundCall(self)
        self.umap_call.done.connect(self._umap_ready)
        self.umap_call.failed.connect(
            lambda m: self.status.setText(f"PCA shown; UMAP failed: {m}"))

        self.run_box = QComboBox(toolTip="The run whose features lay out the map")
        self.run_box.currentIndexChanged.connect(self._run_chosen)
        self.colour_box = QComboBox(toolTip="What the colour of each point shows")
        for key, text in COLOURINGS:
            self.colour_box.addItem(text, key)
        self.colour_box.currentIndexChanged.connect(self.recolour)
        self.modes = QButtonGroup(self)
        buttons = QHBoxLayout()
        for mode, text, tip in (("pan", "Pan", "Drag pans, the wheel zooms"),
                                ("lasso", "Lasso", "Drag around points to select them"),
                                ("rect", "Rectangle", "Drag a box to select its points")):
            button = QPushButton(text, checkable=True, toolTip=tip)
            button.setProperty("mode", mode)
            self.modes.addButton(button)
            buttons.addWidget(button)
            if mode == "lasso":
                button.setChecked(True)
        self.modes.buttonClicked.connect(lambda b: self.scatter.set_mode(b.property("mode")))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.scatter = MapScatter(self)
        self.scatter.set_mode("lasso")
        self.scatter.shape_selected.connect(self._shape_selected)
        self.scatter.hovered.connect(self._hovered)
        # The hovered image and its labels, over the plot's top-left corner.
        self.card = QWidget(self.scatter)
        self.card.setStyleSheet("background: rgba(255, 255, 255, 235);")
        self.card_image, self.card_text = QLabel(), QLabel()
        self.card_text.setWordWrap(True)
        self.card_text.setMaximumWidth(200)
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(4, 4, 4, 4)
        card_layout.addWidget(self.card_image)
        card_layout.addWidget(self.card_text)
        self.card.hide()
        self.loader = ThumbnailLoader(size=160, parent=self)
        self.loader.thumbnail_ready.connect(lambda key, _img: self._hovered(int(key), True))

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Run"))
        controls.addWidget(self.run_box)
        controls.addWidget(QLabel("Colour by"))
        controls.addWidget(self.colour_box)
        controls.addLayout(buttons)
        controls.addStretch(1)
        layout_ = QVBoxLayout(self)
        layout_.addLayout(controls)
        layout_.addWidget(self.status)
        layout_.addWidget(self.scatter, 1)

        state.project_changed.connect(self.refresh_runs)
        state.changed.connect(self._data_changed)
        state.run_changed.connect(self._run_changed)
        state.selection_changed.connect(self._selection_changed)
        state.current_row_changed.connect(self.scatter.set_current)
        self.refresh_runs()

    # --- runs and layouts ------------------------------------------------------------------
    def refresh_runs(self, _project: object = None) -> None:
        """List the runs with features (newest first) and show the newest."""
        self._stop_umap()
        project = self.state.project
        ids = runs_with_features(project) if project is not None else []
        self.run_box.blockSignals(True)
        self.run_box.clear()
        for run_id in ids:
            self.run_box.addItem(f"run {run_id}", run_id)
        self.run_box.blockSignals(False)
        if ids:
            self._run_chosen()
        else:
            self.run_id = None
            self.scatter.set_points(np.zeros((0, 2)), np.zeros(0, np.uint32))
            self.status.setText(
                "No run has features for every image yet. Train a run (its scoring pass "
                "saves the model's pooled features) to lay the images out here.")

    def _run_chosen(self) -> None:
        project = self.state.project
        run_id = self.run_box.currentData()
        if project is None or run_id is None:
            return
        self.run_id, self.method = int(run_id), ""
        path, n = project.path, len(project.images)
        self._stop_umap()
        self._read_thresholds()
        self.status.setText(f"Laying out run {run_id}'s features (PCA)…")

        def pca():
            features = load_run_features(path, run_id, n)
            return None if features is None else (features,
                                                   layout(path, run_id, "pca", features))

        self.pca_call.start(pca)

    def _pca_ready(self, result: object) -> None:
        if result is None:
            self.status.setText("The run's features no longer match the project's images.")
            return
        features, xy = result
        self._show(xy, "pca")
        path, run_id = self.state.project.path, self.run_id
        if not self.umap_enabled:
            self.status.setText(f"Run {run_id}: PCA of {len(xy)} images.")
            return
        self.status.setText(f"Run {run_id}: PCA of {len(xy)} images shown; computing UMAP "
                            "in the background…")
        stop = self._umap_stop

        def umap() -> np.ndarray | None:
            try:
                return layout(path, run_id, "umap", features, cancelled=stop.is_set)
            except LayoutCancelled:  # a newer layout was asked for: nothing to show
                return None

        self.umap_call.start(umap)

    def _stop_umap(self) -> None:
        self.umap_call.forget()
        self._umap_stop.set()
        self._umap_stop = threading.Event()

    def _umap_ready(self, xy: object) -> None:
        if xy is None:
            return
        self._show(np.asarray(xy), "umap")
        self.status.setText(f"Run {self.run_id}: UMAP of {len(xy)} images.")

    def _show(self, xy: np.ndarray, method: str) -> None:
        self.method = method
        self.scatter.set_points(xy, self._colours())
        self.scatter.set_selected(self.state.selected_rows)
        self.scatter.set_current(self.state.current_row)

    # --- colours -----------------------------------------------------------------------
    def _read_thresholds(self) -> None:
        """Read the run's class thresholds on a worker (tuning them reads every score),
        in a read-only project of its own; the colours follow when they arrive."""
        self.thresholds = None
        location, run_id = self.state.project.location, self.run_id

        def read() -> tuple[int, dict[str, float] | None]:
            with Project.open(location, read_only=True) as project:
                try:
                    scores = load_run_scores(project, run_id)
                except KeyError:  # no scoring pass: uncertainty is measured from 0.5
                    return run_id, None
            return run_id, dict(zip(scores.classes, scores.thresholds.tolist(), strict=True))

        self.thresholds_call.start(read)

    def _thresholds_ready(self, result: object) -> None:
        run_id, thresholds = result
        if run_id == self.run_id:
            self.thresholds = thresholds
            if self.colour_box.currentData() == "uncertainty":
                self.recolour()

    def current_colouring(self) -> Colouring:
        project = self.state.project
        scores = rows = None
        if self.run_id is not None and self.colour_box.currentData() in (
                "label_error", "uncertainty"):
            predictions = None
            for split in ("all", "val"):  # the scoring pass covers every image
                try:
                    predictions = project.predictions(self.run_id, split)
                    break
                except KeyError:  # not saved: the next, or every value unknown (grey)
                    continue
            if predictions is not None and list(predictions.classes) == project.classes:
                scores, rows = predictions.scores, predictions.rows
        known = self.thresholds or {}
        thresholds = np.asarray([known.get(c, DEFAULT_THRESHOLD) for c in project.classes],
                                dtype=np.float32)
        return colouring(self.colour_box.currentData(), project.labels, project.classes,
                         project.images["split"], scores, rows, project.images["labeled"],
                         thresholds)

    def _colours(self) -> np.ndarray:
        project = self.state.project
        colours = [project.class_colors.get(c, _NONE_COLOUR) for c in project.classes]
        return point_colours(self.current_colouring(), colours)

    def recolour(self) -> None:
        if self.method and self.state.project is not None:
            self.scatter.set_colours(self._colours())

    def _data_changed(self, event: ChangeEvent) -> None:
        if event.kind == "images":  # rows were added: the run's features no longer cover
            self.refresh_runs()
        elif event.kind in ("labels", "classes", "split"):
            self.recolour()

    def _run_changed(self, event: RunEvent) -> None:
        # A finished run may have saved features (or new predictions to colour by).
        if event.kind in ("run_finished", "run_predictions"):
            self.refresh_runs()
        elif event.kind == "run_thresholds" and event.run_id == self.run_id:
            self._read_thresholds()  # saved from the Review tab: the colours follow

    # --- selection, hover ------------------------------------------------------------------
    def _shape_selected(self, rows: np.ndarray) -> None:
        # The table selects them; its selection_changed outlines them here.
        self.state.request_selection(rows)

    def _selection_changed(self, rows: object) -> None:
        if self.method:
            self.scatter.set_selected(np.asarray(rows, dtype=np.int64))

    def _hovered(self, row: int, thumbnail_arrived: bool = False) -> None:
        project = self.state.project
        if thumbnail_arrived and row != self.scatter.hovered_row:
            return
        if row < 0 or project is None:
            self.card.hide()
            return
        image = self.loader.thumbnail(row, project.absolute_path(row))
        self.card_image.setVisible(image is not None)
        if image is not None:
            self.card_image.setPixmap(QPixmap.fromImage(image))
        self.card_text.setText(f"<b>{project.images['filename'].iat[row]}</b><br>"
                               f"{', '.join(project.labels_of(row)) or 'no labels'}")
        self.card.adjustSize()
        self.card.move(8, 8)
        self.card.show()
        self.card.raise_()
