"""The open project: the image table and label matrix in memory, kept in step with the file.

Every edit (see :mod:`label_edits`, :mod:`class_edits`, :mod:`runs`) validates, writes one
transaction, then updates memory, then emits a :class:`ChangeEvent`; if the write fails,
memory is untouched and a :class:`ProjectIOError` names the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.project import reading
from vocgui.core.project.adding import ImageAddingMixin
from vocgui.core.project.agreement_edits import AgreementEditsMixin
from vocgui.core.project.change_events import ChangeEvent, EventHub
from vocgui.core.project.claims import ClaimsMixin
from vocgui.core.project.class_edits import ClassEditsMixin
from vocgui.core.project.hash_cache import HashCacheMixin
from vocgui.core.project.image_editors import editors_since, last_log_id, read_editors
from vocgui.core.project.label_edits import LabelEditsMixin
from vocgui.core.project.remote_edits import RemoteEditsMixin
from vocgui.core.project.run_thresholds import RunThresholdsMixin
from vocgui.core.project.runs import RunsMixin
from vocgui.core.project.schema import (
    MIGRATIONS,
    TEAM_SCHEMA_VERSION,
    Migration,
    stored_version,
)
from vocgui.core.project.snapshot import NEW_LABELS_SPLIT, LabelSnapshot
from vocgui.core.project.split_edits import SplitEditsMixin
from vocgui.core.project.store import damaged
from vocgui.core.project.store_base import ProjectStore
from vocgui.core.project.stores import Location, open_store, write_new
from vocgui.core.project.user import current_user
from vocgui.core.voc.dataset import Problem, VocDataset


class Project(LabelEditsMixin, ClassEditsMixin, SplitEditsMixin, RunsMixin, RunThresholdsMixin,
              HashCacheMixin, ImageAddingMixin, ClaimsMixin, AgreementEditsMixin,
              RemoteEditsMixin):
    """One vocgui project (a file, or a database on a PostgreSQL server), open for editing
    (or read-only). The API is the same whichever store is behind it."""

    def __init__(self, store: ProjectStore) -> None:
        """Use :meth:`open` or :meth:`create`; this reads the whole file into memory."""
        self._store = store
        self.events = EventHub()
        #: :class:`RunEvent` after each run record is committed (separate from ``events``:
        #: label-table views need not hear about runs).
        self.run_events = EventHub()
        self._command_text: str | None = None
        self._objects_renamed = False  # set inside an edit that renamed boxes
        try:
            self._read_memory()
        except store.database_errors as exc:
            store.close()
            raise store.read_error(exc) from exc
        except (ValueError, KeyError, IndexError) as exc:  # tables that contradict each other
            store.close()
            raise damaged(store.location, f"inconsistent tables: {exc}") from exc
        self._objects: pd.DataFrame | None = None
        self._problems: list[Problem] | None = None
        #: False only for a file older than schema 5 opened read-only (never migrated):
        #: its team reads (last editors, claims, agreement) are then empty.
        self.has_team_tables = stored_version(store.conn) >= TEAM_SCHEMA_VERSION
        if not store.read_only and store.single_writer:
            self.mark_abandoned_runs()

    def _read_memory(self) -> None:
        """Read the roots, classes, labels and image table from the file."""
        conn = self._store.conn
        self.roots: list[str] = reading.read_roots(conn)
        self._classes = reading.read_classes(conn)
        n_images = conn.execute("SELECT COUNT(*) FROM images").fetchone()[0]
        self._labels = reading.read_label_matrix(conn, n_images, self._classes)
        self._images = reading.read_images(conn, self._labels, self._classes,
                                           reading.read_problem_counts(conn))
        self._objects = None

    # --- opening and closing -----------------------------------------------------------
    @classmethod
    def open(cls, path: Location, read_only: bool = False, *,
             migrations: Sequence[Migration] = MIGRATIONS) -> Project:
        """Open a project file, or the project in a ``postgresql://`` URL's database.

        For editing (the default) the project is locked against other vocgui processes
        (ProjectLockedError) and upgraded to the current schema if older. ``read_only``
        takes no lock and never writes, so it works alongside an editing process.
        Raises NotAProjectError, NewerSchemaError, ProjectLockedError or ProjectIOError,
        each naming the file; a refused file is left as it was. A project on a server takes
        no lock: several processes edit it at once (see :mod:`.pg_store`).
        """
        return cls(open_store(path, read_only=read_only, migrations=migrations))

    @classmethod
    def create(cls, path: Location, dataset: VocDataset) -> Project:
        """Write a new project (file or database) from a loaded dataset and open it."""
        write_new(path, dataset)
        return cls.open(path)

    @classmethod
    def create_from_voc(cls, path: Location, source, progress=None, cancel=None,
                        **loader_kwargs) -> Project:
        """Load a VOC source with :func:`vocgui.core.voc.load_voc` and create a project."""
        from vocgui.core.voc import load_voc

        dataset = load_voc(source, progress=progress, cancel=cancel, **loader_kwargs)
        return cls.create(path, dataset)

    def close(self) -> None:
        """Close the file and release the editing lock. Every edit is already on disk."""
        self._store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The project file; for a project on a server, its local stand-in, beside which
        its run folders live (:func:`.runs.run_folder`)."""
        return self._store.path

    @property
    def location(self) -> str:
        """What opens this project again: the file's path or the server URL (which may
        hold a password: show :func:`.team_url.display_url` of it)."""
        return self._store.location

    @property
    def is_team(self) -> bool:
        """Whether the project is on a server, where other processes edit it too."""
        return not self._store.single_writer

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    @property
    def classes(self) -> list[str]:
        """Class names in their display order (= label matrix column order)."""
        return list(self._classes.names)

    @property
    def class_colors(self) -> dict[str, str]:
        return dict(self._classes.colors)

    @property
    def images(self) -> pd.DataFrame:
        """The live image table (row = image id). Treat as read-only."""
        return self._images

    @property
    def labels(self) -> np.ndarray:
        """The (n_images, n_classes) bool label matrix, as a read-only view."""
        view = self._labels.view()
        view.flags.writeable = False
        return view

    @property
    def objects(self) -> pd.DataFrame:
        """The loader's object table (read from the file on first use)."""
        if self._objects is None:
            self._objects = reading.read_objects(self._store.conn)
        return self._objects

    @property
    def problems(self) -> list[Problem]:
        """Problems the loader found when the project was created."""
        if self._problems is None:
            self._problems = reading.read_problems(self._store.conn)
        return list(self._problems)

    def labels_of(self, row: int) -> tuple[str, ...]:
        """The labels of image ``row``, sorted by name."""
        return self._images["labels"].iat[row]

    def absolute_path(self, row: int) -> Path:
        return Path(self.roots[self._images["root"].iat[row]]) / self._images["image_path"].iat[row]

    def absolute_paths(self) -> list[str]:
        """Absolute image paths, in row order."""
        roots = np.asarray([r.rstrip(os.sep) + os.sep for r in self.roots], dtype=object)
        return (roots[self._images["root"].to_numpy()] +
                self._images["image_path"].to_numpy(dtype=object)).tolist()

    def image_list(self) -> tuple[np.ndarray, list[str]]:
        """Every image, labeled or not: (ids, absolute paths); what a run's model scores."""
        return np.arange(len(self._images), dtype=np.int64), self.absolute_paths()

    @property
    def labeled_rows(self) -> np.ndarray:
        """Row ids of the labeled images (what training, splits and exports use)."""
        return np.flatnonzero(self._images["labeled"].to_numpy(dtype=bool))

    @property
    def n_unlabeled(self) -> int:
        """How many images are unlabeled (left out of training, splits and exports)."""
        return len(self._images) - len(self.labeled_rows)

    def snapshot(self) -> LabelSnapshot:
        """A frozen copy of the labels of the labeled images now, unaffected by later
        edits (for training). Unlabeled images are left out (nothing is known about their
        labels, so they must never train as negatives), and so are images whose split is
        'excluded' (see :mod:`.split_edits`)."""
        rows = self.labeled_rows
        split = self._images["split"].to_numpy(dtype=object)[rows]
        labeled_here = (split == "") & (self._images["annotation_path"].to_numpy(
            dtype=object)[rows] == "")
        frame = pd.DataFrame({
            "row": rows,
            "path": pd.Series(np.asarray(self.absolute_paths(), dtype=object)[rows],
                              dtype=str),
            "labels": pd.Series(self._images["labels"].to_numpy()[rows], dtype=object),
            "split": pd.Series(np.where(labeled_here, NEW_LABELS_SPLIT, split), dtype=str),
        })
        frame = frame[frame["split"] != "excluded"].reset_index(drop=True)
        return LabelSnapshot(classes=tuple(self._classes.names), frame=frame)

    def edit_log(self) -> pd.DataFrame:
        """Every edit ever saved in this file, oldest first: id, when, who, action, detail."""
        rows = self._store.conn.execute(
            "SELECT id, at, who, action, detail FROM edit_log ORDER BY id").fetchall()
        return pd.DataFrame({
            "id": np.asarray([r[0] for r in rows], dtype=np.int64),
            "when": pd.to_datetime([r[1] for r in rows], utc=True, format="ISO8601"),
            "who": pd.Series([r[2] for r in rows], dtype=str),
            "action": pd.Series([r[3] for r in rows], dtype=str),
            "detail": pd.Series([json.loads(r[4]) for r in rows], dtype=object),
        })

    def last_editors(self) -> pd.Series:
        """Who last changed each image's labels or review (index = image id, '' where
        nobody has since the project was made)."""
        if not self.has_team_tables:
            return pd.Series(np.full(len(self._images), "", dtype=object), dtype=object,
                             name="last_editor")
        return read_editors(self._store.conn, len(self._images))

    def log_position(self) -> int:
        """The id of the newest edit-log entry (0 for none); see :meth:`editors_since`."""
        return last_log_id(self._store.conn)

    def editors_since(self, log_id: int, rows) -> dict[int, str]:
        """Who else (not the current user) last changed the labels or review of each of
        ``rows`` in the edits logged after entry ``log_id`` (rows nobody else touched
        since are left out)."""
        return editors_since(self._store.conn, log_id, rows, current_user())

    # --- shared by the edit mixins -----------------------------------------------------
    @contextmanager
    def logged_as(self, text: str) -> Iterator[None]:
        """Record ``text`` (e.g. an undo command's "Undo Add 'dog' to 3 images") with the
        edits made inside the block, so the edit log reads like the user's actions."""
        previous, self._command_text = self._command_text, text
        try:
            yield
        finally:
            self._command_text = previous

    @contextmanager
    def batch(self, text: str) -> Iterator[None]:
        """The edits made inside the block are one transaction: all on disk when it ends,
        or, when it raises, none (memory is then read back from the file, and one
        ChangeEvent for every row and class tells the views)."""
        try:
            with self._store.transaction(text):
                yield
        except BaseException:
            try:
                self._read_memory()
            except self._store.database_errors:
                pass  # a server gone: the listener's resync re-reads it when it is back
            else:
                self.events.emit(ChangeEvent("classes", None,
                                             ("labels", "review", "note", "split")))
            raise

    def _detail(self, **detail: object) -> dict:
        if self._command_text is not None:
            detail["command"] = self._command_text
        return detail
