"""What the training process runs on: the Keras backend, its device, precision, data
parallelism and seeding. Imports Keras (so: the training process only); each backend's
own module is imported only when that backend is the one Keras runs.

- The backend is chosen before Keras is imported, by ``KERAS_BACKEND`` (the launcher sets
  it from ``TrainConfig.backend``); :func:`check_backend` refuses a run whose config asks
  for another one than this process has.
- Several local GPUs train data-parallel: ``tf.distribute.MirroredStrategy`` on
  TensorFlow, ``keras.distribution.DataParallel`` on JAX (PyTorch: one GPU). The batch
  size of the config is per device; the global batch is it times the devices.
- Mixed float16 is on by default on a GPU with fast float16 and off on the CPU.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import keras

from vocgui.training import devices
from vocgui.training.config import ConfigError, TrainConfig


def current_backend() -> str:
    return keras.backend.backend()


def check_backend(config: TrainConfig) -> None:
    """ConfigError unless this process runs Keras on ``config.backend``."""
    running = current_backend()
    if config.backend != running:
        raise ConfigError(
            f"the run asks for the {config.backend} backend but this process runs Keras "
            f"on {running}; start it with KERAS_BACKEND={config.backend} (the app and "
            f"'vocgui train' do)")


def _tf_gpus() -> list[devices.Gpu]:
    import tensorflow as tf

    found = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        found.append(devices.Gpu(details.get("device_name", gpu.name), None,
                                 details.get("compute_capability")))
    return found


def _jax_gpus() -> list[devices.Gpu]:
    import jax

    try:
        return [devices.Gpu(getattr(d, "device_kind", str(d))) for d in jax.devices("gpu")]
    except RuntimeError:  # "Unknown backend: 'gpu'": a CPU-only jaxlib
        return []


def _torch_gpus() -> list[devices.Gpu]:
    import torch

    if not torch.cuda.is_available():
        return []
    found = []
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)
        found.append(devices.Gpu(props.name, props.total_memory // 2**20,
                                 (props.major, props.minor)))
    return found


def _tf_cuda_build() -> bool:
    import tensorflow as tf

    return bool(tf.test.is_built_with_cuda())


def detect_device() -> devices.Device:
    """The device this process's backend trains on, with the reason when it is the CPU."""
    backend = current_backend()
    listing = {"tensorflow": _tf_gpus, "jax": _jax_gpus, "torch": _torch_gpus}
    gpus = listing.get(backend, list)()
    cuda = _tf_cuda_build() if backend == "tensorflow" else devices.cuda_build(backend)
    return devices.explain(backend, gpus, devices.system_gpus() if not gpus or any(
        g.memory_mb is None for g in gpus) else [], cuda)


@dataclass
class Setup:
    """How the run trains, decided once at its start and recorded with it."""

    device: devices.Device
    #: "mixed_float16" or "float32".
    precision: str
    #: Devices the batches are split over (1: no data parallelism).
    replicas: int
    #: Images per step over all replicas (``batch_size`` x ``replicas``).
    global_batch: int
    #: "MirroredStrategy", "DataParallel" or "" (one device).
    strategy: str

    def describe(self) -> str:
        text = f"{self.device.describe()}; {self.precision}"
        if self.replicas > 1:
            text += (f"; {self.strategy} over {self.replicas} devices, batch "
                     f"{self.global_batch // self.replicas} per device = {self.global_batch}")
        return text

    def to_dict(self) -> dict:
        return {"device": self.device.to_dict(), "precision": self.precision,
                "replicas": self.replicas, "global_batch": self.global_batch,
                "strategy": self.strategy}


def parallel_devices(device: devices.Device) -> int:
    """How many devices a run on ``device`` splits its batches over: the GPUs on
    TensorFlow; on JAX every device of its platform (GPUs, or CPU devices when
    ``XLA_FLAGS=--xla_force_host_platform_device_count=N`` asks for several, which tests
    the same path without a GPU); one on PyTorch."""
    if device.backend == "jax":
        return len(keras.distribution.list_devices())
    if device.backend == "tensorflow":
        return max(1, len(device.gpus))
    return 1


def decide_setup(config: TrainConfig, device: devices.Device,
                 replicas: int | None = None) -> Setup:
    """Precision and data parallelism of ``config`` on ``device`` (over ``replicas``
    devices; default :func:`parallel_devices`)."""
    wanted = config.mixed_precision
    if wanted is None:
        wanted = bool(device.gpus) and all(g.fast_float16 for g in device.gpus)
    replicas = max(1, parallel_devices(device) if replicas is None else replicas)
    strategy = "" if replicas == 1 else (
        "MirroredStrategy" if device.backend == "tensorflow" else "DataParallel")
    return Setup(device, "mixed_float16" if wanted else "float32", replicas,
                 config.batch_size * replicas, strategy)


@contextlib.contextmanager
def training_scope(setup: Setup):
    """Build and compile the model inside this: the precision policy and, with several
    devices, the data-parallel distribution. Both are process-global in Keras and are
    put back afterwards."""
    policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(setup.precision)
    try:
        if setup.strategy == "MirroredStrategy":
            import tensorflow as tf

            with tf.distribute.MirroredStrategy().scope():
                yield
        elif setup.strategy == "DataParallel":
            previous = keras.distribution.distribution()
            keras.distribution.set_distribution(keras.distribution.DataParallel(
                devices=keras.distribution.list_devices()))
            try:
                yield
            finally:
                keras.distribution.set_distribution(previous)
        else:
            yield
    finally:
        keras.mixed_precision.set_global_policy(policy)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend, and ask for deterministic ops where the backend
    offers it (TensorFlow's op determinism; PyTorch's deterministic algorithms; JAX is
    deterministic on the CPU), so that two runs of one config give the same metrics."""
    keras.utils.set_random_seed(seed)
    backend = current_backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(True, warn_only=True)
        # cuBLAS needs this for deterministic matrix products (read when CUDA starts).
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for the out-of-memory errors of every backend (and MemoryError)."""
    if isinstance(exc, MemoryError):
        return True
    name = type(exc).__name__
    text = str(exc)
    return (name in ("ResourceExhaustedError", "OutOfMemoryError")
            or "RESOURCE_EXHAUSTED" in text or "out of memory" in text.lower())
