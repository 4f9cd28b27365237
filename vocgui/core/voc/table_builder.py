"""Assemble parsed chunks into the image and object tables of a :class:`VocDataset`.

This is where per-file results meet the folders: image files are matched to
annotations, duplicates and missing files are reported, missing sizes are read from
image headers and splits are attached. Rules:

- A row is an annotation that parsed (``ParsedAnnotation.ok``). Its image is looked up
  by ``<filename>``, then by that name's stem with any image extension, then by the XML
  file's stem. A missing image is a ``missing_image`` problem but the row stays: its
  labels are still known. When the whole images folder is missing, one problem names
  the folder instead of one per annotation.
- An image without an annotation (images folders are searched recursively) is a row in
  the explicit *unlabeled* state (``labeled`` False, no labels, size read from the image
  header only): nothing is known about its labels, so it must never train as a negative,
  but it can be tagged. Unlabeled rows follow all annotated rows. Its ``filename`` is its
  path relative to the images folder (``'cats/a.jpg'`` in a sub-folder). Images whose
  XML failed to parse are not rows (the XML's problem already names them).
- Image file names are unique across the whole dataset: the first annotation naming an
  image wins (sources in the order given, files sorted by name), later ones are
  ``duplicate_filename`` problems and not rows; so is an unlabeled image whose name an
  earlier row already has.
- A source with neither annotations nor images is an ``empty_dataset`` problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.voc.chunk_parser import ParsedChunk
from vocgui.core.voc.dataset import IMAGE_COLUMNS, OBJECT_COLUMNS, Problem, VocDataset
from vocgui.core.voc.discovery import VocSource
from vocgui.core.voc.image_header import ImageHeaderError, read_image_size

# Columns copied from the parsed files into the image table as they are, with their dtype.
_COPIED_COLUMNS = {"labels": object, "n_objects": np.int64, "width": np.int64,
                   "height": np.int64, "depth": np.int64, "segmented": bool}
_FILE_COLUMNS = ("ok", "filename", *_COPIED_COLUMNS)
#: More distinct class names than this gets a ``many_classes`` warning (ImageNet has
#: 1,000; VOC 20, COCO 80).
PLAUSIBLE_CLASSES = 1000


@dataclass
class SourceFiles:
    """One source with its listed files; ``image_names`` is None when not listable."""

    source: VocSource
    xml_names: list[str]
    image_names: list[str] | None
    splits: dict[str, str]
    #: Image-named entries left out of ``image_names`` (FIFOs, devices, links outside
    #: the dataset), name -> the kind of their problem.
    refused_images: dict[str, str] = field(default_factory=dict)


class _ImageLookup:
    """Finds the image file an annotation refers to among the listed image names."""

    def __init__(self, names: list[str]) -> None:
        self.names = set(names)
        self.by_stem: dict[str, str] = {}
        for name in names:
            self.by_stem.setdefault(os.path.splitext(name)[0], name)

    def find(self, filename: str | None, xml_stem: str) -> str | None:
        if filename is not None:
            if filename in self.names:
                return filename
            found = self.by_stem.get(os.path.splitext(filename)[0])
            if found is not None:
                return found
        return self.by_stem.get(xml_stem)


#: Reads the header sizes of image files: ``(width, height, depth)``, or
#: ``(problem kind, message)`` saying why it failed.
SizeReader = Callable[[list[str]], list[tuple[int, int, int] | tuple[str, str]]]


def build_dataset(sources: list[SourceFiles], chunks: list[ParsedChunk],
                  problems: list[Problem], read_sizes: SizeReader) -> VocDataset:
    """The dataset from ``chunks`` (parsed in the order of the sources' xml names).

    ``problems`` holds those found before parsing; the rest are appended to it.
    ``read_sizes`` gives the sizes of the unlabeled images (headers only).
    """
    return _Builder(sources, chunks, problems, read_sizes).build()


class _Builder:
    def __init__(self, sources: list[SourceFiles], chunks: list[ParsedChunk],
                 problems: list[Problem], read_sizes: SizeReader) -> None:
        self.sources = sources
        self.chunks = chunks
        self.problems = problems
        self.read_sizes = read_sizes
        # Row values decided here; the parsed columns are taken at the end (see _image_table).
        self.rows: dict[str, list] = {name: [] for name in
                                      ("filename", "root", "image_path", "annotation_path",
                                       "split")}
        self.kept: list[int] = []               # row id -> global file index
        self.file_rows: list[int] = []          # global file index -> row id or -1
        self.first_xml: dict[str, str] = {}     # image file name -> XML that claimed it
        self.needs_size: list[tuple[int, str | None, str]] = []  # (row, image, xml path)
        # Folders relative to each root, computed once: relpath is slow per row.
        self.folders = [(files.source.relative(files.source.images_dir),
                         files.source.relative(files.source.annotations_dir))
                        for files in sources]
        # Per-file columns of all chunks, concatenated: index = global file index.
        self.files = {name: list(chain.from_iterable(getattr(chunk, name) for chunk in chunks))
                      for name in _FILE_COLUMNS}

    def build(self) -> VocDataset:
        ok = self.files["ok"]
        filenames = self.files["filename"]
        parse_problems = self._parse_problems_by_file()
        global_index = 0
        for source_index, files in enumerate(self.sources):
            lookup = None if files.image_names is None else _ImageLookup(files.image_names)
            self._report_missing_images_folder(files)
            for xml_name in files.xml_names:
                self._add_file(source_index, files, lookup, xml_name, ok[global_index],
                               filenames[global_index], parse_problems.get(global_index, ()),
                               global_index)
                global_index += 1
        unlabeled = self._unlabeled_images(ok)
        images = self._image_table()
        self._fill_missing_sizes(images)
        objects, classes = self._object_table()
        self._report_boxes_outside(images, objects)
        images = pd.concat([images, self._unlabeled_table(unlabeled)], ignore_index=True)
        self._report_empty_sources()
        if len(classes) > PLAUSIBLE_CLASSES:
            self.problems.append(Problem(
                ", ".join(str(f.source.annotations_dir) for f in self.sources), "many_classes",
                f"{len(classes):,} distinct class names, more than the {PLAUSIBLE_CLASSES:,} "
                "a classification dataset plausibly has (ids, typos or free text in "
                "<name>?); charts and review figures show the most frequent ones only"))
        if images.empty and not any(p.kind == "empty_dataset" for p in self.problems):
            self.problems.append(Problem(
                ", ".join(str(f.source.annotations_dir) for f in self.sources),
                "empty_dataset", "no annotation or image could be loaded (see the other "
                "problems)"))
        return VocDataset(images, objects, classes, self.problems,
                          [str(files.source.root) for files in self.sources])

    def _parse_problems_by_file(self) -> dict[int, list[tuple[str, str]]]:
        by_file: dict[int, list[tuple[str, str]]] = {}
        offset = 0
        for chunk in self.chunks:
            for index, kind, message in chunk.problems:
                by_file.setdefault(offset + index, []).append((kind, message))
            offset += len(chunk.ok)
        return by_file

    def _report_missing_images_folder(self, files: SourceFiles) -> None:
        if files.image_names is None and files.xml_names:
            self.problems.append(Problem(
                str(files.source.images_dir), "missing_image",
                f"images folder not found: none of the {len(files.xml_names)} annotations "
                "in this source has its image"))

    def _add_file(self, source_index: int, files: SourceFiles, lookup: _ImageLookup | None,
                  xml_name: str, ok: bool, filename: str | None,
                  parse_problems: list[tuple[str, str]] | tuple[()],
                  global_index: int) -> None:
        # Plain string operations: this runs once per annotation file.
        xml_path = f"{files.source.annotations_dir}{os.sep}{xml_name}"
        xml_stem = xml_name[:-4]  # every listed name ends with ".xml"
        if not ok:
            self.file_rows.append(-1)
            for kind, message in parse_problems:
                self.problems.append(Problem(xml_path, kind, message))
            return
        image = lookup.find(filename, xml_stem) if lookup is not None else None
        refused = files.refused_images.get(filename or f"{xml_stem}.jpg") if image is None \
            else None
        if refused is not None:
            self.file_rows.append(-1)
            self.problems.append(Problem(xml_path, refused,
                                         f"names image '{filename}', which is refused (see "
                                         "its own problem); skipped", filename))
            return
        if filename is None:
            filename = image or f"{xml_stem}.jpg"
            self.problems.append(Problem(xml_path, "missing_filename",
                                         f"has no <filename>; using '{filename}' (from the "
                                         "XML file name)", filename))
        elif image is not None and image != filename:
            filename = image  # the declared name's extension differs from the real file's
        for kind, message in parse_problems:
            self.problems.append(Problem(xml_path, kind, message, filename))
        first = self.first_xml.setdefault(filename, xml_path)
        if first != xml_path:
            self.file_rows.append(-1)
            self.problems.append(Problem(xml_path, "duplicate_filename",
                                         f"names image '{filename}' already loaded from "
                                         f"{first}; skipped", filename))
            return
        if lookup is not None and image is None:
            self.problems.append(Problem(xml_path, "missing_image",
                                         f"its image '{filename}' is not in "
                                         f"{files.source.images_dir}", filename))
        self._append_row(source_index, files, xml_name, xml_stem, filename, image is not None,
                         global_index, xml_path)

    def _append_row(self, source_index: int, files: SourceFiles, xml_name: str, xml_stem: str,
                    filename: str, image_exists: bool, global_index: int,
                    xml_path: str) -> None:
        row = len(self.kept)
        self.file_rows.append(row)
        self.kept.append(global_index)
        images_folder, annotations_folder = self.folders[source_index]
        rows = self.rows
        rows["filename"].append(filename)
        rows["root"].append(source_index)
        rows["image_path"].append(_join(images_folder, filename))
        rows["annotation_path"].append(_join(annotations_folder, xml_name))
        rows["split"].append(files.splits.get(xml_stem, ""))
        if self.files["width"][global_index] <= 0 or self.files["height"][global_index] <= 0:
            image_path = (os.path.join(files.source.images_dir, filename) if image_exists
                          else None)
            self.needs_size.append((row, image_path, xml_path))

    def _unlabeled_images(self, ok: list[bool]) -> list[tuple[int, str]]:
        """(source, image name) of each listed image no annotation claimed, in order."""
        failed_stems: dict[Path, set[str]] = {}
        global_index = 0
        for files in self.sources:
            failed = failed_stems.setdefault(files.source.images_dir, set())
            for xml_name in files.xml_names:
                if not ok[global_index]:
                    failed.add(os.path.splitext(xml_name)[0])
                global_index += 1
        taken = set(self.rows["filename"])
        claimed = {(self.sources[s].source.images_dir, f)
                   for s, f in zip(self.rows["root"], self.rows["filename"], strict=True)}
        found: list[tuple[int, str]] = []
        seen_folders: set[Path] = set()
        for source_index, files in enumerate(self.sources):
            folder = files.source.images_dir
            if files.image_names is None or folder in seen_folders:
                continue  # two sources sharing an images folder list its images once
            seen_folders.add(folder)
            for name in files.image_names:
                if (folder, name) in claimed or \
                        os.path.splitext(name)[0] in failed_stems[folder]:
                    continue
                if name in taken:
                    self.problems.append(Problem(
                        os.path.join(folder, name), "duplicate_filename",
                        f"an image named '{name}' is already in the dataset; skipped", name))
                    continue
                taken.add(name)
                found.append((source_index, name))
        return found

    def _unlabeled_table(self, unlabeled: list[tuple[int, str]]) -> pd.DataFrame:
        """Rows for the unlabeled images: no labels, sizes from the image headers."""
        paths = [os.path.join(self.sources[s].source.images_dir, name) for s, name in unlabeled]
        sizes = self.read_sizes(paths) if paths else []
        dims = np.zeros((len(paths), 3), np.int64)
        for i, (size, path, (_, name)) in enumerate(zip(sizes, paths, unlabeled, strict=True)):
            if isinstance(size[0], str):  # (problem kind, message)
                self.problems.append(Problem(path, str(size[0]), str(size[1]), name))
            else:
                dims[i] = size
        names = [name for _, name in unlabeled]
        n = len(names)
        table = {
            "filename": pd.Series(names, dtype=str),
            "root": np.asarray([s for s, _ in unlabeled], np.int64),
            "image_path": pd.Series([_join(self.folders[s][0], name) for s, name in unlabeled],
                                    dtype=str),
            "annotation_path": pd.Series([""] * n, dtype=str),
            "labels": pd.Series([()] * n, dtype=object),
            "labeled": np.zeros(n, bool),
            "n_objects": np.zeros(n, np.int64),
            "width": dims[:, 0], "height": dims[:, 1], "depth": dims[:, 2],
            "segmented": np.zeros(n, bool),
            "split": pd.Series([self.sources[s].splits.get(os.path.splitext(name)[0], "")
                                for s, name in unlabeled], dtype=str),
        }
        return pd.DataFrame(table, columns=list(IMAGE_COLUMNS))

    def _report_empty_sources(self) -> None:
        for files in self.sources:
            if not files.xml_names and not files.image_names and not any(
                    p.kind == "empty_dataset" and p.file == str(files.source.annotations_dir)
                    for p in self.problems):
                self.problems.append(Problem(
                    str(files.source.annotations_dir), "empty_dataset",
                    "no annotation (.xml) or image files found: nothing to load"))

    def _image_table(self) -> pd.DataFrame:
        rows = self.rows
        kept = np.asarray(self.kept, np.int64)
        # The parsed columns are taken for all kept files at once, not appended per row.
        # fromiter, not asarray: equal-length label tuples must stay objects, not become a
        # 2-D array.
        copied = {column: np.fromiter(self.files[column], dtype, len(self.files[column]))[kept]
                  for column, dtype in _COPIED_COLUMNS.items()}
        table = {
            "filename": pd.Series(rows["filename"], dtype=str),
            "root": np.asarray(rows["root"], np.int64),
            "image_path": pd.Series(rows["image_path"], dtype=str),
            "annotation_path": pd.Series(rows["annotation_path"], dtype=str),
            **copied,
            "labeled": np.ones(len(kept), bool),
            "split": pd.Series(rows["split"], dtype=str),
        }
        return pd.DataFrame(table, columns=list(IMAGE_COLUMNS))

    def _fill_missing_sizes(self, images: pd.DataFrame) -> None:
        for row, image_path, xml_path in self.needs_size:
            filename = images.at[row, "filename"]
            if image_path is None:
                self.problems.append(Problem(xml_path, "missing_size",
                                             "<size> is missing, zero or invalid and the "
                                             "image is missing too: size unknown", filename))
                continue
            try:
                width, height, depth = read_image_size(image_path)
            except ImageHeaderError as error:
                self.problems.append(Problem(xml_path, "missing_size", "<size> is missing, "
                                             "zero or invalid; size unknown", filename))
                self.problems.append(Problem(image_path, error.kind, str(error), filename))
                continue
            images.loc[row, ["width", "height", "depth"]] = (width, height, depth)
            self.problems.append(Problem(xml_path, "missing_size",
                                         f"<size> is missing, zero or invalid; read {width}x"
                                         f"{height}x{depth} from the image header", filename))

    def _object_table(self) -> tuple[pd.DataFrame, list[str]]:
        """The object table and the sorted class names found in it."""
        file_rows = np.asarray(self.file_rows, np.int64)
        offsets = np.cumsum([0] + [len(chunk.ok) for chunk in self.chunks])[:-1]
        object_file = np.concatenate(
            [chunk.object_file.astype(np.int64) + offset
             for chunk, offset in zip(self.chunks, offsets, strict=True)]
            or [np.empty(0, np.int64)])
        image = file_rows[object_file] if len(file_rows) else object_file
        keep = image >= 0
        names = np.asarray(list(chain.from_iterable(c.object_name for c in self.chunks)),
                           dtype=object)
        poses = np.asarray(list(chain.from_iterable(c.object_pose for c in self.chunks)),
                           dtype=object)
        boxes = np.concatenate([c.object_box for c in self.chunks] or [np.empty((0, 4))])
        flags = np.concatenate([c.object_flags for c in self.chunks]
                               or [np.empty((0, 3), bool)])
        names = names[keep]
        columns = {"image": image[keep], "name": pd.Series(names, dtype=str)}
        for column, values in zip(("xmin", "ymin", "xmax", "ymax"), boxes[keep].T,
                                  strict=True):
            columns[column] = values
        for column, values in zip(("difficult", "truncated", "occluded"), flags[keep].T,
                                  strict=True):
            columns[column] = values
        columns["pose"] = pd.Series(poses[keep], dtype=str)
        return pd.DataFrame(columns, columns=list(OBJECT_COLUMNS)), sorted(set(names.tolist()))

    def _report_boxes_outside(self, images: pd.DataFrame, objects: pd.DataFrame) -> None:
        """``bad_object`` for boxes reaching outside their image (when its size is known)."""
        image = objects["image"].to_numpy()
        width = images["width"].to_numpy()[image]
        height = images["height"].to_numpy()[image]
        x0, y0, x1, y1 = (objects[c].to_numpy() for c in ("xmin", "ymin", "xmax", "ymax"))
        known = (width > 0) & (height > 0)
        # NaN boxes (already reported as unusable) compare False and pass.
        outside = known & ((x0 < 0) | (y0 < 0) | (x1 > width) | (y1 > height))
        for index in np.flatnonzero(outside):
            row = int(image[index])
            number = index - np.searchsorted(image, row) + 1  # objects are in image order
            annotation = self.sources[images.at[row, "root"]].source.root / images.at[
                row, "annotation_path"]
            self.problems.append(Problem(
                str(annotation), "bad_object",
                f"object {number} ({objects.at[index, 'name']}) box ({x0[index]:g},"
                f"{y0[index]:g})-({x1[index]:g},{y1[index]:g}) lies outside the "
                f"{width[index]}x{height[index]} image", images.at[row, "filename"]))


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
