"""Which device a run trains on, said in words: the GPU's model and memory, or the CPU and why.

Imports no TensorFlow, JAX or PyTorch, so the GUI can show the device before a run: the
NVIDIA driver is asked (``nvidia-smi``, else ``/proc/driver/nvidia``) and the installed
distributions are read from their metadata. The training process then asks the backend
itself (:func:`vocgui.training.runtime.detect_device`) and reports what it really got;
both build their answer with :func:`explain`, so they speak alike.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: The install command that gives each backend CUDA support (see the README).
GPU_FIX = {
    "tensorflow": 'pip install -e ".[gpu]" (TensorFlow with its CUDA libraries)',
    "jax": 'pip install -U "jax[cuda12]"',
    "torch": "pip install torch --index-url https://download.pytorch.org/whl/cu124",
}
#: The distribution that provides each backend's module (for the install hint).
INSTALL_HINT = {
    "tensorflow": 'pip install -e ".[cpu]" (or ".[gpu]")',
    "jax": 'pip install -e ".[jax]"',
    "torch": "pip install torch (a CPU or CUDA build)",
}
#: Float16 tensor cores start with Volta (compute capability 7.0); older GPUs run
#: mixed precision slower than float32.
MIXED_PRECISION_MIN_CAPABILITY = (7, 0)


@dataclass(frozen=True)
class Gpu:
    """One GPU as the driver or the backend names it."""

    name: str
    memory_mb: int | None = None
    #: (major, minor), None when unknown.
    compute_capability: tuple[int, int] | None = None

    def describe(self) -> str:
        memory = f", {self.memory_mb / 1024:.0f} GB" if self.memory_mb else ""
        return f"{self.name}{memory}"

    @property
    def fast_float16(self) -> bool:
        """True when mixed float16 pays off on this GPU (unknown capability: assume so)."""
        cap = self.compute_capability
        return cap is None or tuple(cap) >= MIXED_PRECISION_MIN_CAPABILITY


@dataclass
class Device:
    """What a backend trains on: its GPUs, or the CPU with the reason and the fix."""

    backend: str
    gpus: list[Gpu] = field(default_factory=list)
    #: Why the CPU, when there are no GPUs ("" on a GPU).
    reason: str = ""
    #: What would give a GPU ("" when nothing would).
    fix: str = ""

    @property
    def kind(self) -> str:
        return "gpu" if self.gpus else "cpu"

    def describe(self) -> str:
        """One line for the Training tab and ``vocgui train``."""
        if self.gpus:
            names = sorted({g.describe() for g in self.gpus})
            count = f"{len(self.gpus)} x " if len(self.gpus) > 1 else ""
            return f"GPU: {count}{', '.join(names)} ({self.backend})"
        text = f"CPU ({self.backend}): {self.reason}" if self.reason else f"CPU ({self.backend})"
        return f"{text}. Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": self.kind, "description": self.describe()}


def _parse_smi(text: str) -> list[Gpu]:
    gpus = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if not parts or not parts[0]:
            continue
        memory = int(float(parts[1])) if len(parts) > 1 and _number(parts[1]) else None
        cap = None
        if len(parts) > 2 and _number(parts[2]):
            major, _, minor = parts[2].partition(".")
            cap = (int(major), int(minor or 0))
        gpus.append(Gpu(parts[0], memory, cap))
    return gpus


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def system_gpus(timeout: float = 5.0) -> list[Gpu]:
    """The NVIDIA GPUs the driver sees (empty without a driver); never raises."""
    smi = shutil.which("nvidia-smi")
    if smi:
        for fields in ("name,memory.total,compute_cap", "name,memory.total"):
            try:
                out = subprocess.run(
                    [smi, f"--query-gpu={fields}", "--format=csv,noheader,nounits"],
                    capture_output=True, text=True, timeout=timeout, check=True).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            return _parse_smi(out)
    gpus = []
    for info in sorted(Path("/proc/driver/nvidia/gpus").glob("*/information")):
        try:
            lines = info.read_text(errors="replace").splitlines()
        except OSError:
            continue
        model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Model")),
                     "NVIDIA GPU")
        gpus.append(Gpu(model))
    return gpus


def installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def backend_available(backend: str) -> bool:
    """True when the backend's module can be imported (found, not imported)."""
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    return importlib.util.find_spec(module) is not None


def installed_backends() -> list[str]:
    return [b for b in ("tensorflow", "jax", "torch") if backend_available(b)]


def cuda_build(backend: str) -> bool | None:
    """Whether the installed backend can use CUDA at all, from its metadata only
    (None: cannot tell without importing it)."""
    if backend == "tensorflow":
        if installed("tensorflow-cpu") or not installed("tensorflow"):
            return False
        # tensorflow[and-cuda] brings CUDA as pip packages; a system CUDA may do as well.
        return True if installed("nvidia-cudnn-cu12") else None
    if backend == "jax":
        return any(installed(d) for d in ("jax-cuda12-plugin", "jax-cuda13-plugin",
                                          "jax-cuda11-plugin"))
    if backend == "torch":
        try:
            version = importlib.metadata.version("torch")
        except importlib.metadata.PackageNotFoundError:
            return False
        return False if version.endswith("+cpu") else None
    return None


def explain(backend: str, backend_gpus: list[Gpu], driver_gpus: list[Gpu],
            cuda: bool | None) -> Device:
    """The device of ``backend`` given what it lists (``backend_gpus``), what the driver
    sees (``driver_gpus``) and whether it is a CUDA build (``cuda``), with why and the fix
    when that is the CPU."""
    if backend_gpus:
        # The backend names the GPU; the driver knows its memory and capability.
        by_name = {g.name: g for g in driver_gpus}
        merged = [by_name.get(g.name, g) if g.memory_mb is None else g for g in backend_gpus]
        return Device(backend, merged)
    if not driver_gpus:
        return Device(backend, reason="no GPU found (no NVIDIA driver or no GPU)")
    seen = ", ".join(sorted({g.describe() for g in driver_gpus}))
    if cuda is False:
        why = f"the installed {backend} has no CUDA support, so it cannot use the {seen}"
    else:
        why = (f"{backend} cannot use the {seen}: its CUDA libraries are missing or do "
               f"not match the driver")
    return Device(backend, reason=why, fix=GPU_FIX.get(backend, ""))


def expected_device(backend: str) -> Device:
    """The device a run on ``backend`` will most likely get, without importing it (for
    the GUI; the training process reports the real one when the run starts)."""
    if not backend_available(backend):
        return Device(backend, reason=f"{backend} is not installed",
                      fix=INSTALL_HINT.get(backend, ""))
    driver = system_gpus()
    cuda = cuda_build(backend)
    if driver and cuda is not False:
        return explain(backend, driver, driver, cuda)
    return explain(backend, [], driver, cuda)
