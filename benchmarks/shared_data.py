"""Where the benchmarks find the shared real data: ``../shared`` beside the checkout, or
the folder ``VOCGUI_SHARED`` names."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

SHARED = Path(os.environ.get("VOCGUI_SHARED", Path(__file__).resolve().parents[2] / "shared"))
#: All 17,125 VOC2012 annotation XMLs and ImageSets/ (extracts to VOC2012/).
TARBALL = SHARED / "data" / "voc2012-annotations.tar.gz"


def extract_voc2012(folder: str | Path, tarball: Path = TARBALL) -> Path:
    """Extract the annotations tarball into ``folder``; returns the VOC2012 root in it."""
    with tarfile.open(tarball) as tar:
        tar.extractall(folder, filter="data")
    return Path(folder) / "VOC2012"
