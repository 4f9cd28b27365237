"""The training panel's parts that need no training run: form, table, curves, figure."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt

from vocgui.core.project import Project
from vocgui.plots.training_curves import (
    MAX_BATCH_POINTS,
    CurveHistory,
    TrainingCurves,
    training_curves_figure,
)
from vocgui.qt.training import TrainingPanel
from vocgui.qt.training.class_table import ClassMetricsModel, ClassMetricsView
from vocgui.qt.training.config_form import TrainConfigForm
from vocgui.qt.training.curves_canvas import REDRAW_INTERVAL_MS, TrainingCurvesCanvas
from vocgui.qt.training.panel import IDLE_HINT
from vocgui.qt.training.progress import batch_progress, format_seconds
from vocgui.training.config import ConfigError, TrainConfig, defaults_for

PER_CLASS = {"class": ["cat", "dog", "bird"], "support": [10, 4, 0],
             "precision": [0.9, 0.5, 0.0], "recall": [0.8, 0.25, 0.0],
             "f1": [0.847, 0.333, 0.0], "ap": [0.95, 0.41, None]}


def _metrics(f1: float) -> dict:
    return {"loss": 0.6 - f1 / 2, "val_loss": 0.7 - f1 / 2, "f1_micro": f1,
            "precision_micro": f1 + 0.05, "recall_micro": f1 - 0.05, "f1_macro": f1 / 2,
            "precision_macro": f1 / 2, "recall_macro": f1 / 2, "map": f1 + 0.1,
            "per_class": PER_CLASS}


def test_backbone_choice_fills_in_its_defaults_and_keeps_the_rest(qtbot) -> None:
    form = TrainConfigForm()
    qtbot.addWidget(form)
    assert form.config() == defaults_for("small_cnn")
    form.threshold.setValue(0.35)
    form.backbone.setCurrentIndex(form.backbone.findData("resnet50"))
    config = form.config()
    resnet = defaults_for("resnet50")
    assert (config.backbone, config.target_size, config.learning_rate, config.weights) == (
        "resnet50", resnet.target_size, resnet.learning_rate, "imagenet")
    assert config.threshold == pytest.approx(0.35)  # not a backbone setting: kept


def test_form_round_trips_every_setting(qtbot) -> None:
    form = TrainConfigForm()
    qtbot.addWidget(form)
    wanted = TrainConfig(backbone="mobilenetv3", epochs=3, batch_size=8, target_size=128,
                         learning_rate=3e-4, fine_tune_lr=2e-6, fine_tune_blocks=2,
                         fine_tune_epochs=1, threshold=0.4, pipeline="tfdata",
                         weights="/models/base.weights.h5", imbalance="pos_weight",
                         val_fraction=0.25, split="stratified", mixed_precision=True,
                         backend="jax",
                         augment={"horizontal_flip": False, "vertical_flip": True,
                                  "shift": 0.2, "zoom": 0.15, "rotation": 30.0})
    form.set_config(wanted)
    assert form.config() == wanted


def test_bad_settings_are_named(qtbot) -> None:
    form = TrainConfigForm()
    qtbot.addWidget(form)
    form.learning_rate.setText("fast")
    with pytest.raises(ConfigError, match="learning rate.*'fast'"):
        form.config()
    form.learning_rate.setText("1e-3")
    form.weights.setCurrentIndex(form.weights.findData("file"))
    assert form.weights_file.isEnabled()
    with pytest.raises(ConfigError, match="weights file"):
        form.config()


def test_class_table_model_shows_and_sorts_per_class_metrics(qtbot, qtmodeltester) -> None:
    view = ClassMetricsView()
    qtbot.addWidget(view)
    view.metrics.set_per_class(PER_CLASS)
    qtmodeltester.check(view.metrics)
    model: ClassMetricsModel = view.metrics
    assert model.rowCount() == 3 and model.columnCount() == 6
    assert [model.index(0, c).data() for c in range(6)] == [
        "cat", "10", "0.900", "0.800", "0.847", "0.950"]
    assert model.index(2, 5).data() == "–"  # AP undefined without positives
    view.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    proxy = view.model()
    assert [proxy.index(r, 0).data() for r in range(3)] == ["cat", "dog", "bird"]
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["bird", "dog", "cat"]
    view.metrics.set_per_class(None)
    assert model.rowCount() == 0


def test_history_keeps_long_runs_small_and_skips_missing_values() -> None:
    history = CurveHistory()
    for step in range(5 * MAX_BATCH_POINTS):
        history.add_batch(step // 100 + 1, step % 100 + 1, 100, 1.0 / (step + 1))
    history.add_batch(99, 1, 10, float("nan"))
    assert len(history.batch_loss) <= 2 * MAX_BATCH_POINTS
    assert history.batch_x == sorted(history.batch_x)
    assert history.batch_x[-1] == pytest.approx(5 * MAX_BATCH_POINTS / 100)
    history.add_epoch(1, {"loss": 0.5, "map": None})
    history.add_epoch(2, {"loss": 0.4, "map": 0.7})
    assert history.series("map") == ([2], [0.7])
    assert history.series("loss") == ([1, 2], [0.5, 0.4])


def test_figure_builder_draws_every_curve() -> None:
    history = CurveHistory()
    for epoch in (1, 2, 3):
        for batch in range(1, 11):
            history.add_batch(epoch, batch, 10, 0.7 - 0.02 * (epoch * 10 + batch) / 3)
        history.add_epoch(epoch, _metrics(0.3 * epoch))
    figure = training_curves_figure(history, average="micro")
    FigureCanvasAgg(figure).draw()
    loss_ax, quality_ax, _ = figure.axes
    labels = {line.get_label(): line for ax in figure.axes for line in ax.get_lines()}
    assert len(labels["batch loss"].get_xdata()) == 30
    assert list(labels["val loss"].get_ydata()) == pytest.approx([0.55, 0.4, 0.25])
    assert list(labels["F1"].get_ydata()) == pytest.approx([0.3, 0.6, 0.9])
    assert list(labels["mAP"].get_xdata()) == [1, 2, 3]
    assert "micro" in quality_ax.get_title()
    low, high = loss_ax.get_ylim()
    assert low < 0.25 and high > 0.62  # the loss axis follows its data
    macro = training_curves_figure(history, average="macro")
    macro_f1 = [line for line in macro.axes[1].get_lines() if line.get_label() == "F1"][0]
    assert list(macro_f1.get_ydata()) == pytest.approx([0.15, 0.3, 0.45])


def test_canvas_throttles_redraws_while_events_pour_in(qtbot) -> None:
    canvas = TrainingCurvesCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 300)
    canvas.show()
    qtbot.waitExposed(canvas)
    for batch in range(1, 201):  # far faster than the redraw interval
        canvas.add_batch(1, batch, 200, 1.0 / batch)
    qtbot.waitUntil(lambda: canvas.redraw_count >= 1, timeout=3 * REDRAW_INTERVAL_MS)
    qtbot.wait(REDRAW_INTERVAL_MS // 2)
    assert canvas.redraw_count == 1  # 200 events, one redraw
    batch_line = canvas.renderer.curves.loss_ax.get_lines()[0]
    assert len(batch_line.get_xdata()) == 200
    image = canvas.grab().toImage()
    assert image.size() == canvas.size()
    colors = [image.pixel(x, y) for x in range(0, image.width(), 3)
              for y in range(0, image.height(), 3)]
    assert sum(c != 0xFFFFFFFF for c in colors) > 0.02 * len(colors)  # drawn, not blank
    canvas.hide()
    canvas.add_epoch(1, _metrics(0.5))
    qtbot.wait(2 * REDRAW_INTERVAL_MS)
    assert canvas.redraw_count == 1  # hidden: nothing drawn
    canvas.show()
    qtbot.waitUntil(lambda: canvas.redraw_count == 2, timeout=3 * REDRAW_INTERVAL_MS)


def test_progress_text_and_fraction() -> None:
    fraction, text = batch_progress({"epoch": 2, "epochs": 4, "batch": 5, "batches": 10,
                                     "loss": 0.25, "eta": 3725.0})
    assert fraction == pytest.approx(1.5 / 4)
    assert text == "Epoch 2/4 · batch 5/10 · loss 0.2500 · ETA 1:02:05"
    assert format_seconds(None) == "?" and format_seconds(61.4) == "1:01"


def test_curves_forget_the_previous_run_and_keep_the_legend_off_the_axes() -> None:
    history = CurveHistory()
    history.add_batch(1, 1, 1, 40.0)
    history.add_epoch(1, {**_metrics(0.5), "loss": 40.0, "val_loss": 50.0})
    figure = Figure(figsize=(9, 3))
    curves = TrainingCurves(figure)
    curves.update(history)
    assert figure.axes[0].get_ylim()[1] > 40
    curves.update(CurveHistory())  # another project: no run shown
    assert figure.axes[0].get_ylim() == (0.0, 1.0)
    FigureCanvasAgg(figure).draw()
    renderer = figure.canvas.get_renderer()
    legend = figure.legends[0].get_window_extent(renderer)
    for ax in figure.axes:
        assert not legend.overlaps(ax.get_window_extent(renderer))


def test_a_new_project_clears_the_previous_projects_run_message(qtbot, state, tmp_path,
                                                                 voc_sample) -> None:
    panel = TrainingPanel(state)
    qtbot.addWidget(panel)
    panel.form.learning_rate.setText("fast")
    panel.start()
    assert "learning rate" in panel.status_line.text()
    height = panel.status_line.height()
    panel._show_status("a long error " * 200, "failed")  # scrolls inside, same height
    assert panel.status_line.height() == height
    state.set_project(Project.create_from_voc(tmp_path / "other.vocgui", voc_sample))
    assert panel.status_line.text() == IDLE_HINT


def test_cross_validate_choice_sets_the_folds_and_progress_names_the_fold(qtbot) -> None:
    form = TrainConfigForm()
    qtbot.addWidget(form)
    assert form.config().folds == 0 and not form.folds.isEnabled()
    form.cross_validate.setChecked(True)
    form.folds.setValue(4)
    assert form.folds.isEnabled() and form.config().folds == 4
    form.set_config(defaults_for("small_cnn"))
    assert not form.cross_validate.isChecked()
    _, text = batch_progress({"epoch": 3, "epochs": 8, "batch": 1, "batches": 5,
                              "loss": 0.5, "eta": 9.0, "fold": 2, "folds": 4})
    assert text.startswith("Fold 2/4 · Epoch 3/8")
