"""Loading PASCAL VOC folders into a :class:`VocDataset` (see docs/architecture.md, 1)."""

from vocgui.core.voc.dataset import (
    IMAGE_COLUMNS,
    OBJECT_COLUMNS,
    LoadCancelled,
    Problem,
    VocDataset,
)
from vocgui.core.voc.labels_csv import read_labels_csv, write_labels_csv
from vocgui.core.voc.loader import load_voc

__all__ = [
    "IMAGE_COLUMNS",
    "OBJECT_COLUMNS",
    "LoadCancelled",
    "Problem",
    "VocDataset",
    "load_voc",
    "read_labels_csv",
    "write_labels_csv",
]
