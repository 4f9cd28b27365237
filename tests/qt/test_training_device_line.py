"""The Training tab names the device before a run (the CPU and why), then the run's."""

from __future__ import annotations

from vocgui.qt.training.device_line import DeviceLine


def test_device_line_names_the_cpu_and_why_for_each_backend(qtbot) -> None:
    line = DeviceLine()
    qtbot.addWidget(line)
    line.show_backend("tensorflow")
    qtbot.waitUntil(lambda: "checking" not in line.text(), timeout=10_000)
    # no GPU here: the CPU, and the reason (no driver, or a CPU-only TensorFlow + the fix)
    assert line.text().startswith("Device: CPU (tensorflow): ")
    assert "expected" in line.text()
    line.show_run_device("GPU: NVIDIA H200, 141 GB (jax); mixed_float16")
    assert line.text() == "Device: GPU: NVIDIA H200, 141 GB (jax); mixed_float16"
