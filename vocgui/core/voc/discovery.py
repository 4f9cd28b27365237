"""Find the folders of a VOC source and list its annotation and image files.

A source is either a VOC root (it has ``Annotations/``; images default to
``JPEGImages/``, splits come from ``ImageSets/Main/``), the ``Annotations`` folder of
one (same defaults, taken from its parent), or any other annotations folder, whose
images are ``images_dir`` when given, else a sibling ``JPEGImages/`` when one exists,
else the folder itself (labelImg keeps XMLs next to the images).

Paths may be relative (to the working directory) or absolute; the table stores paths
relative to :attr:`VocSource.root`, the deepest folder holding both the annotations and
the images.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vocgui.core.voc.dataset import Problem

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff",
                              ".webp"})


@dataclass(frozen=True)
class VocSource:
    """The folders of one source, all absolute."""

    root: Path
    annotations_dir: Path
    images_dir: Path
    #: ``ImageSets/Main`` of a VOC root (it may not exist), or None.
    image_sets_dir: Path | None

    def relative(self, folder: Path) -> str:
        """``folder`` relative to the root, '/'-separated, '' for the root itself."""
        rel = os.path.relpath(folder, self.root)
        return "" if rel == "." else Path(rel).as_posix()


def resolve_source(source: str | os.PathLike[str],
                   images_dir: str | os.PathLike[str] | None = None) -> VocSource:
    """Work out the folders of ``source`` (see the module docstring for the rules)."""
    path = Path(os.path.abspath(source))
    given_images = Path(os.path.abspath(images_dir)) if images_dir is not None else None
    if (path / "Annotations").is_dir():
        annotations = path / "Annotations"
        images = given_images or path / "JPEGImages"
        image_sets: Path | None = path / "ImageSets" / "Main"
    elif path.name.lower() == "annotations":  # the Annotations folder of a VOC root
        annotations = path
        images = given_images or path.parent / "JPEGImages"
        image_sets = path.parent / "ImageSets" / "Main"
    else:
        annotations = path
        sibling = path.parent / "JPEGImages"
        images = given_images or (sibling if sibling.is_dir() else path)
        image_sets = None
    root = Path(os.path.commonpath([annotations, images]))
    return VocSource(root, annotations, images, image_sets)


def list_annotation_files(source: VocSource) -> tuple[list[str], list[Problem]]:
    """Sorted ``.xml`` file names in the annotations folder, and problems found listing.

    Other files become ``not_xml`` problems (image files are expected there when the
    images live in the same folder); sub-folders are ignored. A missing or empty folder
    is an ``empty_dataset`` problem. Names are not checked to be regular files: a
    folder, broken link or unreadable entry named ``*.xml`` is reported when read.
    """
    folder = source.annotations_dir
    try:
        names = os.listdir(folder)
    except OSError as error:
        return [], [Problem(str(folder), "empty_dataset",
                            f"annotations folder cannot be listed: {error.strerror or error}")]
    # A plain suffix test: this runs for every file of large folders.
    xml_names = sorted(name for name in names if name[-4:].lower() == ".xml")
    others = sorted(name for name in names if name[-4:].lower() != ".xml")
    skip_images = source.images_dir == folder
    problems = []
    for name in others:
        is_image = os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS
        if (skip_images and is_image) or os.path.isdir(folder / name):
            continue
        problems.append(Problem(str(folder / name), "not_xml",
                                "is not an .xml annotation file; skipped"))
    if not xml_names:
        problems.append(Problem(str(folder), "empty_dataset",
                                "no annotation (.xml) files found: nothing to load"))
    return xml_names, problems


def list_image_files(folder: Path) -> list[str] | None:
    """Names of the image files in ``folder``, or None when it cannot be listed."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    return sorted(entry.name for entry in entries
                  if os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS)
