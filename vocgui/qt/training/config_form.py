"""The training settings form: edits a :class:`~vocgui.training.config.TrainConfig`.

Choosing a backbone fills in that backbone's defaults (input size, rate, epochs, batch
size, weights) from :func:`~vocgui.training.config.defaults_for`; the user can then
change any of them. :meth:`TrainConfigForm.config` builds the config and raises
:class:`~vocgui.training.config.ConfigError` with a message naming a bad setting.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from vocgui.training.config import (
    BACKBONES,
    BACKENDS,
    IMBALANCE,
    MAX_FOLDS,
    PIPELINES,
    SPLITS,
    Augment,
    ConfigError,
    TrainConfig,
    defaults_for,
)

#: Shown names of the backbones (the combo's data is the config value).
BACKBONE_NAMES = {"small_cnn": "Small CNN (fast on a CPU)", "mobilenetv3": "MobileNetV3",
                  "efficientnetb0": "EfficientNet-B0", "resnet50": "ResNet50"}
#: Precision choices: the combo's data -> TrainConfig.mixed_precision.
PRECISION_CHOICES = (("auto", "Auto (mixed on a GPU that has it)", None),
                     ("mixed", "Mixed float16", True), ("float32", "float32", False))
WEIGHT_CHOICES = (("imagenet", "ImageNet (cached or downloaded)"), ("none", "None (from scratch)"),
                  ("file", "Local file…"))


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _double(low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    return box


def _combo(pairs: Iterable[tuple[str, str]]) -> QComboBox:
    """A combo box showing each pair's text, with the value as its item data."""
    box = QComboBox()
    for value, text in pairs:
        box.addItem(text, value)
    return box


def _select(box: QComboBox, value: str) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


class TrainConfigForm(QWidget):
    """Three groups (model, training, augmentation) of editors for one TrainConfig."""

    #: The backbone changed and its defaults were filled in (argument: backbone).
    backbone_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backbone = _combo((b, BACKBONE_NAMES.get(b, b)) for b in BACKBONES)
        self.weights = _combo(WEIGHT_CHOICES)
        self.weights_file = QLineEdit()
        self.weights_file.setPlaceholderText("path to a .h5 / .weights.h5 file")
        self.browse = QPushButton("Browse…")
        self.fine_tune_blocks = _spin(0, 50, 0)
        self.fine_tune_epochs = _spin(0, 500, 0)
        self.fine_tune_lr = QLineEdit()
        self.epochs = _spin(1, 1000, 10)
        self.batch_size = _spin(1, 1024, 32)
        self.target_size = _spin(32, 1024, 96)
        self.target_size.setSingleStep(16)
        self.learning_rate = QLineEdit()
        self.threshold = _double(0.01, 0.99, 0.05, 2)
        self.imbalance = _combo((v, v) for v in IMBALANCE)
        self.pipeline = _combo((v, v) for v in PIPELINES)
        self.split = _combo((v, v) for v in SPLITS)
        self.val_fraction = _double(0.05, 0.9, 0.05, 2)
        self.backend = _combo((b, b) for b in BACKENDS)
        self.precision = _combo((value, text) for value, text, _ in PRECISION_CHOICES)
        self.cross_validate = QCheckBox("Cross-validate, K folds:")
        self.cross_validate.setToolTip(
            "Train K models on a stratified K-fold split, so every labeled image gets an "
            "out-of-sample score (label errors are then checked over the whole dataset); "
            "takes about K times as long")
        self.folds = _spin(2, MAX_FOLDS, 5)
        self.folds.setEnabled(False)
        self.cross_validate.toggled.connect(self.folds.setEnabled)
        self.horizontal_flip = QCheckBox("horizontal flip")
        self.vertical_flip = QCheckBox("vertical flip")
        self.shift = _double(0.0, 0.5, 0.05, 2)
        self.zoom = _double(0.0, 0.5, 0.05, 2)
        self.rotation = _double(0.0, 180.0, 5.0, 0)
        self._build_layout()
        self.backbone.currentIndexChanged.connect(self._apply_backbone_defaults)
        self.weights.currentIndexChanged.connect(self._sync_weights_file)
        self.browse.clicked.connect(self._browse_weights)
        self.set_config(defaults_for("small_cnn"))

    def _build_layout(self) -> None:
        model = QFormLayout()
        model.addRow("Backbone", self.backbone)
        model.addRow("Weights", self.weights)
        file_row = QHBoxLayout()
        file_row.addWidget(self.weights_file, 1)
        file_row.addWidget(self.browse)
        model.addRow("Weights file", file_row)
        model.addRow("Fine-tune top blocks", self.fine_tune_blocks)
        model.addRow("Fine-tune epochs", self.fine_tune_epochs)
        model.addRow("Fine-tune rate", self.fine_tune_lr)
        model.addRow("Keras backend", self.backend)
        training = QFormLayout()
        training.addRow("Epochs", self.epochs)
        training.addRow("Batch size", self.batch_size)
        training.addRow("Image size (px)", self.target_size)
        training.addRow("Learning rate", self.learning_rate)
        training.addRow("Threshold", self.threshold)
        training.addRow("Imbalance", self.imbalance)
        data = QFormLayout()
        data.addRow("Pipeline", self.pipeline)
        data.addRow("Split", self.split)
        data.addRow("Validation fraction", self.val_fraction)
        data.addRow(self.cross_validate, self.folds)
        data.addRow(self.horizontal_flip, self.vertical_flip)
        data.addRow("Shift", self.shift)
        data.addRow("Zoom", self.zoom)
        data.addRow("Rotation (°)", self.rotation)
        data.addRow("Precision", self.precision)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.groups: list[QGroupBox] = []
        for title, form in (("Model", model), ("Training", training),
                            ("Data and augmentation", data)):
            group = QGroupBox(title)
            group.setLayout(form)
            self.groups.append(group)
        self._columns = 0
        self._reflow(len(self.groups))

    def _reflow(self, columns: int) -> None:
        """Lay the groups out in ``columns`` columns (the rest wrap to the next rows), so
        a narrow window shows every setting whole instead of cutting the last column."""
        columns = max(1, min(columns, len(self.groups)))
        if columns == self._columns:
            return
        self._columns = columns
        for group in self.groups:
            self._grid.removeWidget(group)
        for i, group in enumerate(self.groups):
            self._grid.addWidget(group, i // columns, i % columns, Qt.AlignmentFlag.AlignTop)
        for column in range(len(self.groups)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._grid.setRowStretch(self._grid.rowCount(), 1)

    def columns(self) -> int:
        """How many columns the groups are laid out in now."""
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        spacing = self._grid.horizontalSpacing()
        needed = max(g.minimumSizeHint().width() for g in self.groups) + spacing
        self._reflow(event.size().width() // max(needed, 1))

    # --- config <-> widgets ------------------------------------------------------------
    def set_config(self, config: TrainConfig) -> None:
        """Show every setting of ``config``."""
        self.backbone.blockSignals(True)
        _select(self.backbone, config.backbone)
        self.backbone.blockSignals(False)
        if config.weights in ("imagenet", "none"):
            _select(self.weights, config.weights)
        else:
            _select(self.weights, "file")
            self.weights_file.setText(config.weights)
        self._sync_weights_file()
        self.fine_tune_blocks.setValue(config.fine_tune_blocks)
        self.fine_tune_epochs.setValue(config.fine_tune_epochs)
        self.fine_tune_lr.setText(f"{config.fine_tune_lr:g}")
        self.epochs.setValue(config.epochs)
        self.batch_size.setValue(config.batch_size)
        self.target_size.setValue(config.target_size)
        self.learning_rate.setText(f"{config.learning_rate:g}")
        self.threshold.setValue(config.threshold)
        _select(self.imbalance, config.imbalance)
        _select(self.pipeline, config.pipeline)
        _select(self.split, config.split)
        self.val_fraction.setValue(config.val_fraction)
        _select(self.backend, config.backend)
        _select(self.precision, next(v for v, _, flag in PRECISION_CHOICES
                                     if flag is config.mixed_precision))
        self.cross_validate.setChecked(config.folds >= 2)
        self.folds.setValue(config.folds if config.folds >= 2 else 5)
        self.horizontal_flip.setChecked(config.augment.horizontal_flip)
        self.vertical_flip.setChecked(config.augment.vertical_flip)
        self.shift.setValue(config.augment.shift)
        self.zoom.setValue(config.augment.zoom)
        self.rotation.setValue(config.augment.rotation)

    def config(self) -> TrainConfig:
        """The config the form shows; :class:`ConfigError` names a bad setting."""
        weights = self.weights.currentData()
        if weights == "file":
            weights = self.weights_file.text().strip()
            if not weights:
                raise ConfigError("weights: choose a weights file, or ImageNet or None")
        return TrainConfig(
            backbone=self.backbone.currentData(),
            epochs=self.epochs.value(),
            batch_size=self.batch_size.value(),
            target_size=self.target_size.value(),
            learning_rate=_rate(self.learning_rate, "learning rate"),
            fine_tune_lr=_rate(self.fine_tune_lr, "fine-tune rate"),
            fine_tune_blocks=self.fine_tune_blocks.value(),
            fine_tune_epochs=self.fine_tune_epochs.value(),
            threshold=self.threshold.value(),
            augment=Augment(horizontal_flip=self.horizontal_flip.isChecked(),
                            vertical_flip=self.vertical_flip.isChecked(),
                            shift=self.shift.value(), zoom=self.zoom.value(),
                            rotation=self.rotation.value()),
            pipeline=self.pipeline.currentData(),
            weights=weights,
            imbalance=self.imbalance.currentData(),
            val_fraction=self.val_fraction.value(),
            split=self.split.currentData(),
            mixed_precision=next(flag for v, _, flag in PRECISION_CHOICES
                                 if v == self.precision.currentData()),
            backend=self.backend.currentData(),
            folds=self.folds.value() if self.cross_validate.isChecked() else 0,
        )

    # --- reactions ---------------------------------------------------------------------
    def _apply_backbone_defaults(self) -> None:
        backbone = self.backbone.currentData()
        current = self.config_or_none()
        defaults = defaults_for(backbone)
        if current is not None:
            # Keep what does not depend on the backbone (augmentation, split, threshold...).
            defaults = current.replace(
                backbone=backbone, target_size=defaults.target_size,
                learning_rate=defaults.learning_rate, epochs=defaults.epochs,
                batch_size=defaults.batch_size, fine_tune_lr=defaults.fine_tune_lr,
                weights=defaults.weights)
        self.set_config(defaults)
        self.backbone_changed.emit(backbone)

    def config_or_none(self) -> TrainConfig | None:
        """The config, or None while some field holds an invalid value."""
        try:
            return self.config()
        except ConfigError:
            return None

    def _sync_weights_file(self) -> None:
        from_file = self.weights.currentData() == "file"
        self.weights_file.setEnabled(from_file)
        self.browse.setEnabled(from_file)

    def _browse_weights(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a weights file", self.weights_file.text(),
            "Keras weights (*.h5 *.weights.h5 *.keras);;All files (*)")
        if path:
            self.weights_file.setText(path)


def _rate(edit: QLineEdit, name: str) -> float:
    """The number typed in ``edit``; ConfigError naming ``name`` when it is not one."""
    text = edit.text().strip()
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number such as 1e-3; got {text!r}") from None
