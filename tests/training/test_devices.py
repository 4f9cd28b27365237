"""The device in words: a GPU named with its memory, or the CPU with the reason and the fix;
precision and data parallelism decided from it."""

from __future__ import annotations

from vocgui.training import devices
from vocgui.training.config import TrainConfig
from vocgui.training.devices import Device, Gpu, explain
from vocgui.training.runtime import decide_setup

H100 = Gpu("NVIDIA H100 80GB HBM3", 81559, (9, 0))
P100 = Gpu("Tesla P100-PCIE-16GB", 16384, (6, 0))


def test_nvidia_smi_lines_become_gpus():
    text = "NVIDIA H100 80GB HBM3, 81559, 9.0\nTesla P100-PCIE-16GB, 16384, [N/A]\n"
    assert devices._parse_smi(text) == [H100, Gpu("Tesla P100-PCIE-16GB", 16384, None)]


def test_a_gpu_is_named_with_its_memory_from_the_driver():
    device = explain("tensorflow", [Gpu("NVIDIA H100 80GB HBM3")], [H100], True)
    assert device.kind == "gpu"
    assert device.describe() == "GPU: NVIDIA H100 80GB HBM3, 80 GB (tensorflow)"
    two = explain("jax", [H100, H100], [H100, H100], True)
    assert two.describe() == "GPU: 2 x NVIDIA H100 80GB HBM3, 80 GB (jax)"


def test_the_cpu_says_why_and_what_to_do():
    none = explain("tensorflow", [], [], False)
    assert none.describe() == "CPU (tensorflow): no GPU found (no NVIDIA driver or no GPU)"
    cpu_build = explain("tensorflow", [], [H100], False)
    assert "installed tensorflow has no CUDA support" in cpu_build.describe()
    assert 'Fix: pip install -e ".[gpu]"' in cpu_build.describe()
    missing = explain("tensorflow", [], [H100], None)
    assert "CUDA libraries are missing" in missing.describe()
    assert "jax[cuda12]" in explain("jax", [], [H100], False).describe()


def test_this_machine_without_a_gpu_expects_the_cpu():
    device = devices.expected_device("tensorflow")
    assert device.kind == "cpu" and device.reason  # a CPU-only machine here and in CI


def test_precision_and_data_parallelism_follow_the_device():
    config = TrainConfig(batch_size=32)
    cpu = decide_setup(config, Device("tensorflow", reason="no GPU"), replicas=1)
    assert (cpu.precision, cpu.replicas, cpu.global_batch, cpu.strategy) == (
        "float32", 1, 32, "")
    gpus = decide_setup(config, Device("tensorflow", [H100, H100]), replicas=2)
    assert (gpus.precision, gpus.global_batch, gpus.strategy) == (
        "mixed_float16", 64, "MirroredStrategy")
    assert "batch 32 per device = 64" in gpus.describe()
    # no fast float16 before compute capability 7.0: float32 unless asked for
    assert decide_setup(config, Device("tensorflow", [P100]), replicas=1).precision == "float32"
    forced = decide_setup(config.replace(mixed_precision=True), Device("tensorflow"), 1)
    assert forced.precision == "mixed_float16"
    jax = decide_setup(config.replace(backend="jax"), Device("jax", [H100] * 4), replicas=4)
    assert (jax.strategy, jax.global_batch) == ("DataParallel", 128)
