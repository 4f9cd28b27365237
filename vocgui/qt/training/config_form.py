"""The training settings form: edits a :class:`~vocgui.training.config.TrainConfig`.

Choosing a backbone fills in that backbone's defaults (input size, rate, epochs, batch
size, weights) from :func:`~vocgui.training.config.defaults_for`; the user can then
change any of them. :meth:`TrainConfigForm.config` builds the config and raises
:class:`~vocgui.training.config.ConfigError` with a message naming a bad setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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

from vocgui.training.config import BACKBONES, MAX_FOLDS, ConfigError, TrainConfig, defaults_for
from vocgui.training.settings import BY_NAME, SETTINGS, Setting, apply

#: Shown names of the backbones (the combo's data is the config value).
BACKBONE_NAMES = {"small_cnn": "Small CNN (fast on a CPU)", "mobilenetv3": "MobileNetV3",
                  "efficientnetb0": "EfficientNet-B0", "resnet50": "ResNet50"}
#: Precision choices: the combo's data -> TrainConfig.mixed_precision.
PRECISION_CHOICES = (("auto", "Auto (mixed on a GPU that has it)", None),
                     ("mixed", "Mixed float16", True), ("float32", "float32", False))
WEIGHT_CHOICES = (("imagenet", "ImageNet (cached or downloaded)"), ("none", "None (from scratch)"),
                  ("file", "Local file…"))


def _spin(setting: Setting) -> QSpinBox:
    box = QSpinBox()
    box.setRange(int(setting.low), int(setting.high))
    box.setSingleStep(int(setting.step))
    return box


def _double(setting: Setting) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(setting.low, setting.high)
    box.setSingleStep(setting.step)
    box.setDecimals(setting.decimals)
    return box


def _combo(pairs: Iterable[tuple[str, str]]) -> QComboBox:
    """A combo box showing each pair's text, with the value as its item data."""
    box = QComboBox()
    for value, text in pairs:
        box.addItem(text, value)
    return box


#: The editor of each plain setting kind (the rest the form builds itself).
_EDITORS: dict[str, Callable[[Setting], QWidget]] = {
    "int": _spin, "float": _double, "rate": lambda setting: QLineEdit(),
    "choice": lambda setting: _combo((v, v) for v in setting.choices),
    "check": lambda setting: QCheckBox(setting.label),
}


def _show(editor: QWidget, value: Any) -> None:
    """Put ``value`` in a plain setting's editor."""
    if isinstance(editor, QComboBox):
        _select(editor, value)
    elif isinstance(editor, QCheckBox):
        editor.setChecked(value)
    elif isinstance(editor, QLineEdit):
        editor.setText(f"{value:g}")
    else:
        editor.setValue(value)


def _read(editor: QWidget, setting: Setting) -> Any:
    """The value a plain setting's editor holds."""
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QLineEdit):
        return _rate(editor, setting.label.lower())
    return editor.value()


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
        # One editor per plain setting, named as its field (self.epochs, self.shift, ...).
        self._plain = [s for s in SETTINGS if s.editor in _EDITORS]
        for setting in self._plain:
            setattr(self, setting.key, _EDITORS[setting.editor](setting))
        self.precision = _combo((value, text) for value, text, _ in PRECISION_CHOICES)
        self.cross_validate = QCheckBox(BY_NAME["folds"].label)
        self.cross_validate.setToolTip(
            "Train K models on a stratified K-fold split, so every labeled image gets an "
            "out-of-sample score (label errors are then checked over the whole dataset); "
            "takes about K times as long")
        self.folds = QSpinBox()
        self.folds.setRange(2, MAX_FOLDS)
        self.folds.setEnabled(False)
        self.cross_validate.toggled.connect(self.folds.setEnabled)
        self._build_layout()
        self.backbone.currentIndexChanged.connect(self._apply_backbone_defaults)
        self.weights.currentIndexChanged.connect(self._sync_weights_file)
        self.browse.clicked.connect(self._browse_weights)
        self.set_config(defaults_for("small_cnn"))

    def _build_layout(self) -> None:
        model = QFormLayout()
        self._rows(model, "backbone", "weights")
        file_row = QHBoxLayout()
        file_row.addWidget(self.weights_file, 1)
        file_row.addWidget(self.browse)
        model.addRow("Weights file", file_row)
        self._rows(model, "fine_tune_blocks", "fine_tune_epochs", "fine_tune_lr", "backend")
        training = QFormLayout()
        self._rows(training, "epochs", "batch_size", "target_size", "learning_rate",
                   "lr_schedule", "threshold", "imbalance")
        data = QFormLayout()
        self._rows(data, "pipeline", "split", "val_fraction")
        data.addRow(self.cross_validate, self.folds)
        data.addRow(self.horizontal_flip, self.vertical_flip)
        self._rows(data, "augment.shift", "augment.zoom", "augment.rotation")
        data.addRow(BY_NAME["mixed_precision"].label, self.precision)
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

    def _rows(self, form: QFormLayout, *names: str) -> None:
        """A labeled row per setting (the editor is the attribute named as its field)."""
        for name in names:
            setting = BY_NAME[name]
            form.addRow(setting.label, getattr(self, setting.key))

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
        for setting in self._plain:
            _show(getattr(self, setting.key), setting.value(config))
        _select(self.precision, next(v for v, _, flag in PRECISION_CHOICES
                                     if flag is config.mixed_precision))
        self.cross_validate.setChecked(config.folds >= 2)
        self.folds.setValue(config.folds if config.folds >= 2 else 5)
        # Settings the form has no editor for (seed, workers) come back as they were given.
        self._shown = config

    def config(self) -> TrainConfig:
        """The config the form shows; :class:`ConfigError` names a bad setting."""
        weights = self.weights.currentData()
        if weights == "file":
            weights = self.weights_file.text().strip()
            if not weights:
                raise ConfigError("weights: choose a weights file, or ImageNet or None")
        values = {s.name: _read(getattr(self, s.key), s) for s in self._plain}
        values.update(
            backbone=self.backbone.currentData(), weights=weights,
            mixed_precision=next(flag for v, _, flag in PRECISION_CHOICES
                                 if v == self.precision.currentData()),
            folds=self.folds.value() if self.cross_validate.isChecked() else 0)
        return apply(self._shown, values)

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
