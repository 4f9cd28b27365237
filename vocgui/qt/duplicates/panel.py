"""The Duplicates tab: find exact and near-duplicate images, see which leak across splits
or carry different labels, and resolve them (flag, one split per group, exclude copies).

Hashing runs on a pool thread on plain values (paths and the cached hashes read here);
the new hashes are saved into the project back on the GUI thread, which owns it. When a
run saved features, the newest such run's embedding pairs (cosine similarity at least the
"Features" value) are searched on the same thread, or read from the run's cache of its
last search (:mod:`vocgui.core.duplicates.feature_pairs`), joining the same groups.
"Compute features" gives a project features without training (:mod:`.features_pass`). Every
action is one core command on the undo stack.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vocgui.core.duplicates.cache import refresh_hashes
from vocgui.core.duplicates.feature_pairs import run_feature_pairs
from vocgui.core.duplicates.report import (
    DuplicateReport,
    newest_features_run,
    report_from_cache,
)
from vocgui.core.duplicates.resolve import exclusion_changes, same_split_changes
from vocgui.core.duplicates.thresholds import (
    DEFAULT_SIMILARITY,
    DEFAULT_THRESHOLD,
    MAX_HAMMING_THRESHOLD,
)
from vocgui.core.project import ChangeEvent, ProjectError
from vocgui.core.project.commands import SetReview, SetSplits
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.background import BackgroundCall
from vocgui.qt.duplicates.features_pass import FeaturesPass
from vocgui.qt.duplicates.group_tree import GroupTree

#: (combo text, which groups it shows)
_SHOW = (("All groups", "all"), ("Leaks across splits", "leak"),
         ("Different labels", "conflict"))


class _Progress(QObject):
    """Carries hashing progress from the pool thread to the GUI thread (queued)."""

    advanced = Signal(int, int)


class DuplicatesPanel(QWidget):
    """Find duplicates of the open project and act on the groups."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.report: DuplicateReport | None = None
        self._cancel = threading.Event()
        self.call = BackgroundCall(self)
        self.call.done.connect(self._found)
        self.call.failed.connect(lambda message: self._finish(f"Failed: {message}"))
        self._progress = _Progress()
        self._progress.advanced.connect(self._advanced, Qt.ConnectionType.QueuedConnection)

        self.find_button = QPushButton("Find duplicates", clicked=self.find)
        self.threshold = QSpinBox(minimum=0, maximum=MAX_HAMMING_THRESHOLD,
                                  value=DEFAULT_THRESHOLD, suffix=" bits")
        self.threshold.setToolTip("Largest perceptual-hash distance (of 64 bits) between near "
                                  "copies: 0 finds only re-encodings; 10 also finds resized, "
                                  "recompressed, greyscale and slightly cropped copies")
        self.use_features = QCheckBox("Features ≥", checked=True)
        self.use_features.setToolTip("Also link images whose embeddings (the newest run's "
                                     "pooled features) have at least this cosine "
                                     "similarity; off, or without such a run: hashes only")
        self.similarity = QDoubleSpinBox(minimum=0.5, maximum=1.0, singleStep=0.01,
                                         decimals=2, value=DEFAULT_SIMILARITY)
        self.similarity.setToolTip(self.use_features.toolTip())
        self.use_features.toggled.connect(self.similarity.setEnabled)
        self.features = FeaturesPass(self)
        self.features.progressed.connect(self._features_progressed)
        self.features.finished.connect(self._features_finished)
        self.features_button = QPushButton("Compute features", clicked=self.compute_features)
        self.features_button.setToolTip(
            "Features of every image from a pretrained backbone (MobileNetV3, its ImageNet "
            "weights from the Keras cache), with no training; Find then also compares them")
        self.show_box = QComboBox()
        for text, _ in _SHOW:
            self.show_box.addItem(text)
        self.show_box.currentIndexChanged.connect(self._show_groups)
        self.progress = QProgressBar(visible=False)
        self.status = QLabel("Hash every image to find exact and near copies (no model "
                             "needed; computed once, then cached in the project).")
        self.status.setWordWrap(True)
        self.tree = GroupTree(state, self)
        self.tree.itemSelectionChanged.connect(self._sync_buttons)
        self.select_button = QPushButton("Select in table", clicked=self.select_in_table)
        self.flag_button = QPushButton("Flag", clicked=self.flag)
        self.same_split_button = QPushButton("Same split", clicked=self.same_split)
        self.same_split_button.setToolTip("Move every image of each group into the split "
                                          "most of it is in (ties: train): one undoable edit")
        self.exclude_button = QPushButton("Exclude copies", clicked=self.exclude_copies)
        self.exclude_button.setToolTip("Keep one image per group; the others stay in the "
                                       "project but no run trains or validates on them")

        controls = QHBoxLayout()
        controls.addWidget(self.find_button)
        controls.addWidget(QLabel("Threshold"))
        controls.addWidget(self.threshold)
        controls.addWidget(self.use_features)
        controls.addWidget(self.similarity)
        controls.addWidget(QLabel("Show"))
        controls.addWidget(self.show_box)
        controls.addWidget(self.progress, 1)
        controls.addStretch(1)
        # The buttons' own row, their caption above it: side by side they needed 780 px,
        # more than the tab gets beside the viewer at 1024x700.
        actions = QHBoxLayout()
        for button in (self.select_button, self.flag_button, self.same_split_button,
                       self.exclude_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.features_button)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("The selected groups (none selected: all shown):"))
        layout.addLayout(actions)

        state.project_changed.connect(self._project_changed)
        state.changed.connect(self._data_changed)
        self._sync_buttons()

    # --- finding -------------------------------------------------------------------------
    def find(self) -> None:
        """Hash what changed and group (or cancel the pass that is running)."""
        project = self.state.project
        if self.call.running:
            self._cancel.set()
            return
        if project is None:
            return
        self._cancel = cancel = threading.Event()
        paths, cache = project.absolute_paths(), project.image_hash_cache()
        labels = list(project.images["labels"])
        splits = list(project.images["split"])
        threshold, progress = self.threshold.value(), self._progress.advanced.emit
        similarity = self.similarity.value()
        run = newest_features_run(project) if self.use_features.isChecked() else None
        project_path, n_images = project.path, len(labels)

        def work():
            refreshed = refresh_hashes(paths, cache, progress=progress, cancel=cancel.is_set)
            if refreshed is None:
                return None
            fresh, changed = refreshed
            pairs = (run_feature_pairs(project_path, run, n_images, similarity)
                     if run is not None else None)
            return fresh, changed, report_from_cache(fresh, labels, splits, threshold,
                                                     pairs, run, similarity)

        self.find_button.setText("Cancel")
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Checking which images need hashing…")
        self.call.start(work)

    def _advanced(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.status.setText(f"Hashing {done} of {plural(total, 'new or changed image')}…")

    def _found(self, result: object) -> None:
        project = self.state.project
        if result is None:
            self._finish("Cancelled; the images hashed so far were not kept.")
            return
        cache, changed, report = result
        if project is None or len(cache.known) != len(project.images):
            self._finish("The project changed while hashing; find again.")
            return
        saved = ""
        try:
            project.save_image_hashes(changed, cache)
        except ProjectError as exc:
            saved = f" (the hashes could not be kept: {exc})"
        self.report = report
        self._refresh_groups()
        leaks, conflicts = len(report.leaks), len(report.label_conflicts)
        unreadable = (f"; {plural(len(report.errors), 'image')} could not be hashed"
                      if report.errors else "")
        found_by = (f"hashes and run {report.features_run}'s features"
                    if report.features_run is not None else "hashes only")
        self._finish(f"{plural(len(report.groups), 'group')} of duplicates among "
                     f"{plural(report.n_images, 'image')} ({found_by}): "
                     f"{plural(leaks, 'leak')} across "
                     f"splits ({len(report.leaked_rows)} validation/test images with a copy "
                     f"elsewhere), {conflicts} with different labels{unreadable}.{saved}")

    def _finish(self, message: str) -> None:
        self.find_button.setText("Find duplicates")
        self.progress.hide()
        self.status.setText(message)
        self._sync_buttons()

    # --- features without training ---------------------------------------------------------
    def compute_features(self) -> None:
        """Start a features-only run (or stop the one running)."""
        if self.features.running:
            self.features.stop()
            return
        if self.state.project is None:
            return
        why_not = self.features.start(self.state.project)
        if why_not is not None:
            self.status.setText(why_not)
            return
        self.features_button.setText("Stop features")
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Computing features of every image (no training)…")

    def _features_progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.status.setText(f"Computing features: batch {done} of {total}…")

    def _features_finished(self, status: str, message: str) -> None:
        self.features_button.setText("Compute features")
        self.progress.hide()
        then = " Find duplicates now compares them too." if status == "completed" else ""
        self.status.setText(f"{message}{then}")

    # --- showing ---------------------------------------------------------------------------
    def shown_groups(self):
        if self.report is None:
            return []
        mode = _SHOW[self.show_box.currentIndex()][1]
        return [g for g in self.report.groups
                if mode == "all" or (mode == "leak" and g.leak)
                or (mode == "conflict" and g.label_conflict)]

    def _show_groups(self) -> None:
        self.tree.set_groups(self.shown_groups())
        self._sync_buttons()

    def _refresh_groups(self) -> None:
        """Re-read each group's labels and splits (after an edit) and show them again."""
        project = self.state.project
        if self.report is None or project is None:
            return
        labels, splits = project.images["labels"], project.images["split"]
        groups = [replace(g, labels=tuple(tuple(labels.iat[r]) for r in g.rows),
                          splits=tuple(str(splits.iat[r]) for r in g.rows))
                  for g in self.report.groups]
        groups.sort(key=lambda g: (not g.leak, not g.label_conflict, -len(g.rows), g.rows))
        self.report = replace(self.report, groups=groups)
        self._show_groups()

    def _project_changed(self, _project: object) -> None:
        self.call.forget()
        if self.features.running:  # its run belongs to the project just closed
            self.features.session.abandon()
        self.report = None
        self.tree.set_groups([])
        self._finish("Hash every image to find exact and near copies.")

    def _data_changed(self, event: ChangeEvent) -> None:
        if event.kind in ("labels", "split", "classes"):
            self._refresh_groups()

    def _sync_buttons(self) -> None:
        has = bool(self.shown_groups()) and not self.call.running
        for button in (self.select_button, self.flag_button, self.same_split_button,
                       self.exclude_button):
            button.setEnabled(has)

    # --- actions ---------------------------------------------------------------------------
    def target_groups(self):
        """The selected groups, or every shown group when none is selected."""
        return self.tree.selected_groups() or self.shown_groups()

    def select_in_table(self) -> None:
        self.state.request_selection(self.tree.image_rows(self.target_groups()))

    def flag(self) -> None:
        rows = self.tree.image_rows(self.target_groups())
        if len(rows) and self.state.project is not None:
            self.state.push(SetReview(self.state.project, rows, "flagged"))

    def same_split(self) -> None:
        groups = self.target_groups()
        rows, splits = same_split_changes(groups)
        if len(rows) and self.state.project is not None:
            self.state.push(SetSplits(
                self.state.project, rows, splits,
                text=f"Put each of {plural(len(groups), 'duplicate group')} in one split"))
        elif groups:
            self.status.setText("Each of these groups is in one split already.")

    def exclude_copies(self) -> None:
        rows = exclusion_changes(self.target_groups())
        if len(rows) and self.state.project is not None:
            self.state.push(SetSplits(self.state.project, rows, "excluded"))
        else:
            self.status.setText("Only one image of each of these groups is left in training.")
