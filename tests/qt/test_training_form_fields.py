"""The training form shows and gives back every TrainConfig field (built from the table)."""

from __future__ import annotations

from vocgui.qt.training.config_form import TrainConfigForm


def test_form_round_trips_a_config_that_changes_every_field(qtbot,
                                                            every_setting_changed) -> None:
    form = TrainConfigForm()
    qtbot.addWidget(form)
    form.set_config(every_setting_changed)
    assert form.config() == every_setting_changed
