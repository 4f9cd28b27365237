"""The loader's result: the image table, the object table and the problems found.

The column layout here is the contract every other part of vocgui reads (the project
store, statistics, training snapshots, the Qt table), so it is documented once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Columns of :attr:`VocDataset.images`, one row per image, RangeIndex (row = image id).
IMAGE_COLUMNS: dict[str, str] = {
    "filename": "image file name, e.g. '2007_000027.jpg' (unique within the dataset)",
    "root": "int, index into VocDataset.roots",
    "image_path": "image path relative to its root, e.g. 'JPEGImages/2007_000027.jpg'",
    "annotation_path": "XML path relative to its root ('' for an image without one)",
    "labels": "tuple[str, ...] of image-level labels, sorted, unique unless keep_repeats",
    "labeled": "bool: True for an image with an annotation XML; False for an image found "
               "without one (unlabeled: nothing is known about its labels, which is not "
               "the same as 'no class present')",
    "n_objects": "int, number of <object> elements (difficult ones included)",
    "width": "int pixels (0 when unknown)",
    "height": "int pixels (0 when unknown)",
    "depth": "int channels (0 when unknown)",
    "segmented": "bool",
    "split": "'train', 'val', 'test' or '' from ImageSets/Main",
}

#: Columns of :attr:`VocDataset.objects`, one row per <object>.
OBJECT_COLUMNS: dict[str, str] = {
    "image": "int, row of the image in VocDataset.images",
    "name": "class name",
    "xmin": "float", "ymin": "float", "xmax": "float", "ymax": "float",
    "difficult": "bool", "truncated": "bool", "occluded": "bool",
    "pose": "str ('' when absent)",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, named by file so a user can find and fix it."""

    file: str
    kind: str
    message: str
    #: The image file name the problem concerns (to select its row), if any.
    image: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "kind": self.kind, "message": self.message,
                "image": self.image}


class LoadCancelled(Exception):
    """Raised by the loader when its ``cancel`` callback returned True."""


@dataclass
class VocDataset:
    """Images, objects, classes and problems of one or more VOC sources."""

    images: pd.DataFrame
    objects: pd.DataFrame
    classes: list[str]
    problems: list[Problem] = field(default_factory=list)
    #: Absolute root folders; ``images.root`` indexes this list.
    roots: list[str] = field(default_factory=list)

    def absolute_paths(self) -> list[str]:
        """Absolute image paths, in row order."""
        roots = [Path(r) for r in self.roots]
        return [str(roots[r] / p) for r, p in zip(self.images["root"], self.images["image_path"],
                                                  strict=True)]
