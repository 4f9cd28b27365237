"""Adding a loaded folder of images (and any annotations in it) to an open project.

File > Add Images and ``vocgui add PROJECT FOLDER`` load the folder with the loader (so
images without an XML arrive unlabeled) and call :meth:`ImageAddingMixin.add_images`.
New rows get the next image ids, so every existing id, label, run and undo step stays
valid. Images already in the project (same absolute path) are skipped and counted, and
so are images whose file name a project image already has (names are unique).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.project.building import (
    insert_images,
    insert_labels,
    insert_objects,
    insert_problems,
)
from vocgui.core.project.change_events import ChangeEvent
from vocgui.core.project.image_columns import checksum, encode_static_columns
from vocgui.core.project.labelling import next_color
from vocgui.core.voc.dataset import IMAGE_COLUMNS, VocDataset
from vocgui.core.wording import plural


@dataclass(frozen=True)
class AddedImages:
    """What :meth:`ImageAddingMixin.add_images` did."""

    #: Row ids of the new images.
    rows: np.ndarray
    n_unlabeled: int
    #: Images skipped because the project has them already (same file).
    n_already: int
    #: Images skipped because a project image has the same file name.
    n_same_name: int
    new_classes: tuple[str, ...]

    def report(self) -> str:
        """One line for the user, e.g. "added 200 images (200 unlabeled); 600 already in
        the project"."""
        text = f"added {plural(len(self.rows), 'image')} ({self.n_unlabeled:,} unlabeled)"
        if self.n_already:
            text += f"; {self.n_already:,} already in the project, skipped"
        if self.n_same_name:
            text += f"; {self.n_same_name:,} skipped because the project has an image of " \
                    "the same name"
        return text


class ImageAddingMixin:
    """add_images (mixed into :class:`Project`)."""

    def add_images(self, dataset: VocDataset) -> AddedImages:
        """Append ``dataset``'s images (labels, objects, problems) in one transaction.

        Emits a ChangeEvent of kind 'images' (rows = the new ids); views rebuild. On a
        team project, memory is first brought in step with the database inside the
        write (whose lock keeps other writers out), so images another process added
        meanwhile are known: the new ids follow theirs and their files are skipped.
        """
        detail = self._detail(folder=", ".join(dataset.roots))
        with self._store.write("add_images", detail) as conn:
            self.catch_up()  # on a team project: images others added are known
            plan = _plan_added(self, dataset)
            # logged when the block ends
            detail.update(added=len(plan.images), skipped=plan.n_already + plan.n_same_name)
            for root_id, root in enumerate(self._root_list(dataset.roots)):
                if root_id >= len(self.roots):
                    conn.execute("INSERT INTO roots VALUES (?, ?)", (root_id, root))
            colors = list(self._classes.colors.values())
            class_id = dict(zip(self._classes.names, self._classes.ids, strict=True))
            for name in plan.new_classes:
                colors.append(next_color(colors))
                class_id[name] = conn.execute(
                    "INSERT INTO classes (position, name, color) VALUES (?, ?, ?)",
                    (len(class_id), name, colors[-1])).lastrowid
            insert_images(conn, plan.images, plan.first)
            insert_labels(conn, plan.images, plan.first, class_id)
            insert_objects(conn, plan.objects, plan.first)
            insert_problems(conn, plan.problems)
            blob = encode_static_columns(plan.static)
            conn.execute("UPDATE image_columns SET data = ? WHERE id = 0", (blob,))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('image_columns_sha256', ?)",
                         (checksum(blob),))
        self._read_memory()
        self._problems = None  # re-read on next use
        if plan.new_classes:
            self.events.emit(ChangeEvent("classes", np.zeros(0, dtype=np.int64), (),
                                         tuple(plan.new_classes)))
        rows = np.arange(plan.first, plan.first + len(plan.images), dtype=np.int64)
        self.events.emit(ChangeEvent("images", rows, tuple(self._images.columns)))
        return AddedImages(rows, int((~plan.images["labeled"].to_numpy(dtype=bool)).sum()),
                           plan.n_already, plan.n_same_name, tuple(plan.new_classes))

    def _root_list(self, roots: list[str]) -> list[str]:
        """The project's roots followed by those of ``roots`` it does not have yet."""
        known = list(self.roots)
        for root in roots:
            absolute = str(Path(root).absolute())
            if absolute not in known:
                known.append(absolute)
        return known

    def _root_ids(self, roots: list[str]) -> list[int]:
        known = self._root_list(roots)
        return [known.index(str(Path(r).absolute())) for r in roots]


@dataclass(frozen=True)
class _Plan:
    """What adding a dataset to the project as it is in memory writes."""

    images: pd.DataFrame      # the kept images, roots renumbered to the project's
    first: int                # the first new image id
    objects: pd.DataFrame     # their boxes, image = position in ``images``
    problems: list
    new_classes: list[str]
    static: pd.DataFrame      # the project's static columns followed by theirs
    n_already: int
    n_same_name: int


def _plan_added(project, dataset: VocDataset) -> _Plan:
    """Which of ``dataset``'s images ``project`` lacks (not the same file, nor the same
    file name), with the ids, roots and classes they get."""
    new_paths = dataset.absolute_paths()
    have_paths = {os.path.normpath(p) for p in project.absolute_paths()}
    have_names = set(project.images["filename"])
    keep, n_already, n_same_name = [], 0, 0
    for i, (path, name) in enumerate(zip(new_paths, dataset.images["filename"], strict=True)):
        if os.path.normpath(path) in have_paths:
            n_already += 1
        elif name in have_names:
            n_same_name += 1
        else:
            have_names.add(name)
            keep.append(i)
    images = dataset.images.iloc[keep].reset_index(drop=True).copy()
    root_ids = project._root_ids(dataset.roots)
    images["root"] = np.asarray(root_ids, np.int64)[images["root"].to_numpy()] \
        if len(images) else images["root"]
    position = np.full(len(dataset.images), -1, np.int64)
    position[keep] = np.arange(len(keep))
    objects = dataset.objects[position[dataset.objects["image"].to_numpy()] >= 0].copy()
    objects["image"] = position[objects["image"].to_numpy()]
    kept_names = set(images["filename"])
    problems = [p for p in dataset.problems if p.image is None or p.image in kept_names]
    used = {n for labels in images["labels"] for n in labels}
    new_classes = [n for n in dict.fromkeys([*dataset.classes, *sorted(used)])
                   if n not in project.classes and n in used]
    static = pd.concat([project.images[list(IMAGE_COLUMNS)], images[list(IMAGE_COLUMNS)]],
                       ignore_index=True)
    return _Plan(images, len(project.images), objects, problems, new_classes, static,
                 n_already, n_same_name)
