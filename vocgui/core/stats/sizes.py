"""Image size distributions from the ``width`` / ``height`` columns, and the memory a
batch of resized images takes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_QUANTILES = {"p5": 5, "median": 50, "p95": 95}


@dataclass(frozen=True)
class SizeStats:
    """Sizes of the images whose size is known (width and height > 0).

    ``known`` / ``unknown`` count images with and without a size; the arrays hold one
    value per known image.
    """

    width: np.ndarray
    height: np.ndarray
    known: int
    unknown: int

    @property
    def aspect(self) -> np.ndarray:
        """Width / height per image."""
        return self.width / self.height

    @property
    def megapixels(self) -> np.ndarray:
        """Width x height / 1e6 per image."""
        return self.width.astype(np.float64) * self.height / 1e6

    def summary(self) -> dict[str, object]:
        """JSON-able ``{"known", "unknown", "width": {min, p5, median, mean, p95, max}, ...}``
        for width, height, aspect and megapixels (None values when nothing is known)."""
        out: dict[str, object] = {"known": self.known, "unknown": self.unknown}
        for name in ("width", "height", "aspect", "megapixels"):
            out[name] = _describe(getattr(self, name))
        return out


def _describe(values: np.ndarray) -> dict[str, float | None]:
    if len(values) == 0:
        return dict.fromkeys(("min", *_QUANTILES, "mean", "max"))
    qs = np.percentile(values, list(_QUANTILES.values()))
    out: dict[str, float | None] = {"min": float(values.min())}
    out.update({k: float(q) for k, q in zip(_QUANTILES, qs, strict=True)})
    out["mean"] = float(values.mean())
    out["max"] = float(values.max())
    return out


def size_stats(width: npt.ArrayLike, height: npt.ArrayLike) -> SizeStats:
    """Collect the known sizes (0 or negative means unknown, as in the loader's table)."""
    w = np.asarray(width, dtype=np.int64)
    h = np.asarray(height, dtype=np.int64)
    known = (w > 0) & (h > 0)
    n_known = int(np.count_nonzero(known))
    return SizeStats(width=w[known], height=h[known], known=n_known,
                     unknown=len(w) - n_known)


def batch_memory_bytes(target_size: int | tuple[int, int], batch_size: int,
                       channels: int = 3, dtype: npt.DTypeLike = np.float32) -> int:
    """Bytes of one input batch of images resized to ``target_size`` ((height, width), or
    one side for squares), as ``flow_from_dataframe`` builds it (``batch x h x w x c``).

    Each batch waiting in the generator's queue takes as much again.
    """
    h, w = (target_size, target_size) if isinstance(target_size, int) else target_size
    if min(h, w, batch_size, channels) <= 0:
        raise ValueError("target size, batch size and channels must be positive, got "
                         f"{(h, w)}, {batch_size}, {channels}")
    return int(h) * int(w) * int(channels) * int(batch_size) * np.dtype(dtype).itemsize
