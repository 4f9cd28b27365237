"""How a run turns image files into model inputs, decided once per run and kept with it.

Training, validation and every later prediction with the run's model use the same
:class:`Preprocessing` (the run folder's ``preprocessing.json``), so an image never
reaches the model resized one way in training and another way later. Imports no
TensorFlow.

Both pipelines follow one decision: bilinear resizing, antialiased (the filter widens
with the reduction, as Keras' load_img and ``tf.image.resize(antialias=True)`` do) for
the whole run when any of its images shrinks more than 3x; without, tf.data runs at
about twice the speed. Both decode JPEGs with libjpeg-turbo's integer-fast IDCT
(tf.io.decode_jpeg's default; the flow pipeline through simplejpeg, see
vocgui/training/decode.py). Measured on the 100 real VOC2012 images
(tests/training/test_pixel_tolerance.py), in grey levels of 0..255:

- flow against tf.data: mean 0.3, max 1.0 at 128 and 224 px, antialiased or not (uint8
  rounding); where flow decodes a JPEG at least 4x the target at a reduced DCT scale
  (antialiased runs only; 64 px here): mean 1.2, p99 9, max 35.
- flow against Keras' own load_img (what plain flow_from_dataframe gives): antialias
  off, 224 px (about 2.2x smaller): mean 3.9, p99 29, max 128 (thin edges alias);
  antialias on, 128 px (3.9x): mean 1.1, p99 4, max 11.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

#: Above this reduction factor tf.image.resize without antialiasing drifts from PIL's.
ANTIALIAS_ABOVE = 3.0
FILE_NAME = "preprocessing.json"


@dataclass(frozen=True)
class Preprocessing:
    """Square ``size`` px, bilinear, [0, 1] floats, antialiased or not (both pipelines)."""

    pipeline: str
    size: int
    antialias: bool

    def save(self, run_dir: str | Path) -> Path:
        path = Path(run_dir) / FILE_NAME
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, run_dir: str | Path) -> Preprocessing:
        """The preprocessing a run recorded (ValueError naming the file if unusable)."""
        path = Path(run_dir) / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(str(data["pipeline"]), int(data["size"]), bool(data["antialias"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: no usable preprocessing record ({exc})") from exc


def largest_reduction(paths: Iterable[str], size: int) -> float:
    """How many times the largest image side shrinks to ``size`` (reads headers only)."""
    worst = 0.0
    for path in paths:
        with Image.open(path) as img:
            worst = max(worst, max(img.size) / size)
    return worst


def needs_antialias(paths: Iterable[str], size: int) -> bool:
    """True when some image shrinks by more than :data:`ANTIALIAS_ABOVE` to ``size``."""
    return largest_reduction(paths, size) > ANTIALIAS_ABOVE


def decide(pipeline: str, paths: Iterable[str], size: int) -> Preprocessing:
    """The preprocessing of a run over all of its images (training and validation): the
    same rule for both pipelines, so either one gives the other's pixels within the
    stated tolerance."""
    return Preprocessing(pipeline, size, needs_antialias(paths, size))
