"""Exports of the current labels: CSV (for Keras' flow_from_dataframe), JSON lines, and the
VOC classification format (ImageSets/Main/<class>_<split>.txt).

Every file is written atomically (temporary file, fsync, rename); nothing is ever written
under a dataset root. The CSV and the VOC ImageSets hold labeled images only (an
unlabeled image would read as "no class present"); ``Project.n_unlabeled`` says how many
were left out. JSON lines keep every image, with its ``labeled`` state.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.atomic import atomic_text_writer, default_mode, fsync_dir
from vocgui.core.project.errors import ExportError
from vocgui.core.project.project import Project
from vocgui.core.voc.labels_csv import encode_labels

#: VOC ImageSets split files written for each class; 'trainval' = train + val.
VOC_SPLITS = ("train", "val", "trainval", "test")


def check_outside_roots(project: Project, target: str | os.PathLike) -> Path:
    """``target`` resolved, refusing any place inside a dataset root (sources stay pristine)."""
    return refuse_inside_roots(project.roots, target)


def refuse_inside_roots(roots: list[str], target: str | os.PathLike) -> Path:
    """``target`` resolved; :class:`ExportError` when it lies inside one of ``roots``."""
    resolved = Path(target).resolve()
    for root in roots:
        if resolved.is_relative_to(Path(root).resolve()):
            raise ExportError(f"{resolved} is inside the dataset folder {root}; vocgui never "
                              "writes into a dataset, choose a folder outside it")
    return resolved


def export_csv(project: Project, path: str | os.PathLike) -> Path:
    """Columns ``filename`` (absolute image path), ``labels`` (JSON list), ``split``; one
    line per labeled image.

    Read it back with :func:`vocgui.core.voc.read_labels_csv` (same encoding), then
    ``flow_from_dataframe(df, x_col="filename", y_col="labels", class_mode="categorical")``.
    """
    target = check_outside_roots(project, path)
    rows = project.labeled_rows
    frame = pd.DataFrame({"filename": np.asarray(project.absolute_paths(), dtype=object)[rows],
                          "labels": [encode_labels(t) for t in
                                     project.images["labels"].to_numpy()[rows]],
                          "split": project.images["split"].to_numpy(dtype=object)[rows]})
    with atomic_text_writer(target) as fh:
        frame.to_csv(fh, index=False, lineterminator="\n")
    return target


def export_jsonl(project: Project, path: str | os.PathLike) -> Path:
    """One JSON object per image: row, filename, path, labels, labeled, split, review,
    note (unlabeled images too: ``labeled`` tells them apart)."""
    target = check_outside_roots(project, path)
    images = project.images
    columns = [images[c].to_numpy(dtype=object) for c in ("filename", "labels", "labeled",
                                                          "split", "review", "note")]
    with atomic_text_writer(target) as fh:
        for row, (path_, (filename, labels, labeled, split, review, note)) in enumerate(
                zip(project.absolute_paths(), zip(*columns, strict=True), strict=True)):
            fh.write(json.dumps({"row": row, "filename": filename, "path": path_,
                                 "labels": list(labels), "labeled": bool(labeled),
                                 "split": split, "review": review,
                                 "note": note}, ensure_ascii=False) + "\n")
    return target


def voc_split_members(project: Project) -> dict[str, list[int]]:
    """The labeled rows of each of :data:`VOC_SPLITS` (images without a split, and
    unlabeled images, are in none)."""
    split = project.images["split"].to_numpy(dtype=object)
    labeled = project.images["labeled"].to_numpy(dtype=bool)
    members = {s: [i for i, v in enumerate(split) if v == s and labeled[i]]
               for s in ("train", "val", "test")}
    members["trainval"] = sorted(members["train"] + members["val"])
    return members


def export_voc_imagesets(project: Project, folder: str | os.PathLike) -> Path:
    """Write ``<folder>/ImageSets/Main/<class>_<split>.txt`` ('<stem>  1' or '<stem> -1' per
    labeled image of that split) and ``<split>.txt`` for train, val, trainval and test
    (splits with no images are skipped; images without a split are in no list, and a
    project where no image has one is refused). ``folder`` must be new or empty, and need
    not exist yet; it appears complete or not at all."""
    target = check_outside_roots(project, folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder; choose a new folder")
    for name in project.classes:
        if "/" in name or "\\" in name or name in (".", ".."):
            raise ExportError(f"class {name!r} cannot be part of a file name; rename it first")
    members = voc_split_members(project)
    if not members["trainval"] and not members["test"]:
        raise ExportError(
            "no image has a train, val or test split (the dataset came without "
            "ImageSets/Main split lists), and the VOC ImageSets export is one list per "
            "split: nothing was written. Export CSV or JSON Lines instead")
    stems = [Path(f).stem for f in project.images["filename"]]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.chmod(staging, default_mode(0o777))  # a folder the user made, not mkdtemp's 0700
        main = staging / "ImageSets" / "Main"
        main.mkdir(parents=True)
        labels = project.labels
        for split_name in VOC_SPLITS:
            rows = members[split_name]
            if not rows:
                continue
            with atomic_text_writer(main / f"{split_name}.txt") as fh:
                fh.writelines(f"{stems[r]}\n" for r in rows)
            for j, name in enumerate(project.classes):
                with atomic_text_writer(main / f"{name}_{split_name}.txt") as fh:
                    fh.writelines(f"{stems[r]} {1 if labels[r, j] else -1:2d}\n" for r in rows)
        if target.exists():
            target.rmdir()  # empty (checked above); os.replace cannot replace a folder
        os.replace(staging, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
