"""Pretrained weights for a backbone: the Keras cache, a bounded download, a local file, or none.

``keras.applications.ResNet50(weights="imagenet")`` without network raises a plain
``Exception`` after the DNS failure, and on a silent network its download has no timeout
at all. Here the cache is checked first, then a short TCP connection to the download host
decides whether Keras may fetch, and the fetch itself runs under a socket timeout, so a
missing file is always a quick :class:`WeightsUnavailable` that says what to do.
Imports no TensorFlow.
"""

from __future__ import annotations

import os
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

DOWNLOAD_HOST = ("storage.googleapis.com", 443)

#: File Keras looks for in ``$KERAS_HOME/models/`` (the no-top ImageNet weights).
CACHE_FILES = {
    "resnet50": "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "mobilenetv3": "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
    "efficientnetb0": "efficientnetb0_notop.h5",
}


class WeightsUnavailable(Exception):
    """Pretrained weights that cannot be had; the message lists the ways out."""


def keras_cache_dir() -> Path:
    """Where Keras keeps downloaded models, by its own rule: ``$KERAS_HOME/models``
    (default ``~/.keras``), or ``/tmp/.keras/models`` when that home is not writable (or
    does not exist yet)."""
    home = Path(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")))
    if not os.access(home, os.W_OK):
        home = Path("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()) / ".keras"
    return home / "models"


def cached_weights(backbone: str) -> Path | None:
    """The cached ImageNet weights file of ``backbone``, if present."""
    name = CACHE_FILES.get(backbone)
    if name is None:
        return None
    path = keras_cache_dir() / name
    return path if path.is_file() else None


def missing_local_weights(backbone: str) -> str | None:
    """Why ``backbone`` has no pretrained weights on this machine (naming the file Keras
    looks for and the folder to put it in), or None when they are cached. Never touches
    the network: a "features only" pass uses local weights or none."""
    name = CACHE_FILES.get(backbone)
    if name is None:
        return (f"{backbone} has no pretrained weights; choose one of "
                f"{', '.join(sorted(CACHE_FILES))}")
    if cached_weights(backbone) is not None:
        return None
    return (f"the ImageNet weights of {backbone} are not on this machine: Keras looks for "
            f"{name} in {keras_cache_dir()} (set KERAS_HOME to look elsewhere). Copy that "
            f"file there from a machine with network access (Keras downloads it from "
            f"https://{DOWNLOAD_HOST[0]}/ when a {backbone} run uses ImageNet weights)")


def _options(backbone: str, why: str) -> str:
    name = CACHE_FILES.get(backbone, "?")
    cache = keras_cache_dir()
    return (
        f"ImageNet weights for {backbone} are not available: {why}.\n"
        f"Options: (1) put {name} into {cache} (copy it from a machine with network "
        f"access; Keras downloads it from https://{DOWNLOAD_HOST[0]}/); "
        f"(2) use a local weights file of the {backbone} base (Weights: 'Local file…' in "
        f"the app, --weights FILE on the command line); (3) train from scratch (Weights: "
        f"'None (from scratch)' in the app, --weights none on the command line)."
    )


def can_download(timeout: float = 3.0) -> bool:
    """True when a TCP connection to the download host opens within ``timeout`` seconds."""
    try:
        with socket.create_connection(DOWNLOAD_HOST, timeout=timeout):
            return True
    except OSError:
        return False


@contextmanager
def socket_timeout(seconds: float):
    """Every new socket (urllib's download included) times out after ``seconds``."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def resolve(backbone: str, weights: str, connect_timeout: float = 3.0) -> str | None:
    """What to build ``backbone`` with: "imagenet", a local file path, or None (random).

    Raises :class:`WeightsUnavailable` (quickly) when ImageNet weights are neither cached
    nor downloadable, or when the named file does not exist.
    """
    if weights in ("none", "", None):
        return None
    if weights == "imagenet":
        if backbone not in CACHE_FILES:
            raise WeightsUnavailable(
                f"there are no ImageNet weights for {backbone}; choose Weights 'None (from "
                f"scratch)' (--weights none) or a weights file of your own."
            )
        if cached_weights(backbone) is None and not can_download(connect_timeout):
            raise WeightsUnavailable(_options(
                backbone, f"not in the Keras cache and {DOWNLOAD_HOST[0]} cannot be reached"))
        return "imagenet"
    path = Path(weights).expanduser()
    if not path.is_file():
        raise WeightsUnavailable(f"weights file not found: {path}. "
                                 f"Use weights='imagenet', 'none' or an existing file.")
    return str(path)


def download_failed(backbone: str, error: BaseException) -> WeightsUnavailable:
    """The clear error for a download that started but did not finish."""
    return WeightsUnavailable(_options(backbone, f"the download failed ({error})"))
