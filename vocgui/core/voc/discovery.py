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

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from vocgui.core.voc.dataset import Problem
from vocgui.core.voc.file_safety import kind_of_file

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


def list_annotation_files(source: VocSource, follow_links: bool = False
                          ) -> tuple[list[str], list[Problem]]:
    """Sorted ``.xml`` file names in the annotations folder, and problems found listing.

    Other files become ``not_xml`` problems (image files are expected there when the
    images live in the same folder), unless there is no XML at all (a folder of images);
    sub-folders are ignored. A folder that cannot be listed is an ``empty_dataset``
    problem. Links that point outside the dataset are
    ``outside_link`` problems and left out unless ``follow_links``. Names are not checked
    to be regular files here (that costs a ``stat`` per file): a folder, FIFO, device,
    broken link or unreadable entry named ``*.xml`` is reported when read.
    """
    folder = source.annotations_dir
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        return [], [Problem(str(folder), "empty_dataset",
                            f"annotations folder cannot be listed: {error.strerror or error}")]
    problems, entries = _refuse_outside_links(source, entries, follow_links)
    names = [entry.name for entry in entries]
    # A plain suffix test: this runs for every file of large folders.
    xml_names = sorted(name for name in names if name[-4:].lower() == ".xml")
    others = sorted(name for name in names if name[-4:].lower() != ".xml")
    skip_images = source.images_dir == folder
    if not xml_names:
        # No XML at all is not a problem by itself: a folder of images without
        # annotations is a dataset of unlabeled images (the table builder reports a
        # source with neither), and other files in a photo folder are not mistakes.
        return [], problems
    for name in others:
        is_image = os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS
        if (skip_images and is_image) or os.path.isdir(folder / name):
            continue
        problems.append(Problem(str(folder / name), "not_xml",
                                "is not an .xml annotation file; skipped"))
    return xml_names, problems


def list_image_files(source: VocSource, follow_links: bool = False
                     ) -> tuple[list[str] | None, list[Problem]]:
    """The image files under the images folder, searched recursively, as sorted
    '/'-separated paths relative to it (``'a.jpg'``, ``'cats/b.png'``; None when the
    folder cannot be listed), and the problems found: image-named entries that are not
    regular files (``special_file``: a FIFO would hang whoever opens it) and links
    pointing outside the dataset (``outside_link``, left out unless ``follow_links``).

    Hidden sub-folders are skipped and links to folders are not descended into (no
    loops, nothing outside the dataset)."""
    try:
        top = list(os.scandir(source.images_dir))
    except OSError:
        return None, []
    names: list[str] = []
    problems: list[Problem] = []
    pending: list[tuple[str, list[os.DirEntry[str]]]] = [("", top)]
    while pending:
        prefix, entries = pending.pop()
        for entry in entries:
            if not entry.name.startswith(".") and _is_real_folder(entry):
                with contextlib.suppress(OSError):  # an unreadable sub-folder: skipped
                    pending.append((f"{prefix}{entry.name}/", list(os.scandir(entry.path))))
        entries = [entry for entry in entries
                   if os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS]
        refused, entries = _refuse_outside_links(source, entries, follow_links, prefix)
        problems.extend(refused)
        for entry in entries:
            try:
                # d_type answers this without a stat for everything but links.
                regular = entry.is_file()
                mode = 0 if regular else entry.stat().st_mode
            except OSError:
                regular = True  # unreadable entries are reported by whoever opens them
            if regular:
                names.append(prefix + entry.name)
            else:
                problems.append(Problem(entry.path, "special_file",
                                        f"is {kind_of_file(mode)}, not a regular file; "
                                        "skipped", prefix + entry.name))
    return sorted(names), problems


def _is_real_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _refuse_outside_links(source: VocSource, entries: list[os.DirEntry[str]],
                          follow_links: bool, prefix: str = ""
                          ) -> tuple[list[Problem], list[os.DirEntry[str]]]:
    """Problems for links among ``entries`` pointing outside the dataset, and the
    entries to keep (those links are dropped unless ``follow_links``). ``prefix`` is
    the entries' folder relative to the images folder (how problems name images).

    Inside means under the real path of the root, the annotations folder or the images
    folder (either may itself be a link to elsewhere). Dangling links are kept: reading
    them reports them.
    """
    links = [entry for entry in entries if entry.is_symlink()]
    if not links:
        return [], entries
    inside = {os.path.realpath(folder) for folder in
              (source.root, source.annotations_dir, source.images_dir)}
    problems: list[Problem] = []
    refused: set[str] = set()
    for entry in links:
        target = os.path.realpath(entry.path)
        if not os.path.exists(target) or any(
                os.path.commonpath([target, folder]) == folder for folder in inside):
            continue
        image = prefix + entry.name if entry.name[-4:].lower() != ".xml" else None
        if follow_links:
            problems.append(Problem(entry.path, "outside_link",
                                    f"is a link to {target}, outside the dataset; followed "
                                    "as allowed", image))
        else:
            refused.add(entry.name)
            problems.append(Problem(entry.path, "outside_link",
                                    f"is a link to {target}, outside the dataset; skipped "
                                    "(vocgui --follow-links, and the same option of scan "
                                    "and train, allow such links)", image))
    return problems, [entry for entry in entries if entry.name not in refused]
