"""Writing a new project file from a loaded :class:`VocDataset`, atomically.

The file is built under a temporary name with journalling off (a half-built file is never
used) and renamed into place only when complete, so a crash leaves no partial project.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from vocgui import __version__
from vocgui.core.project.errors import ProjectIOError
from vocgui.core.project.image_columns import checksum, encode_static_columns
from vocgui.core.project.labelling import PALETTE
from vocgui.core.project.schema import DDL, SCHEMA_VERSION
from vocgui.core.project.store import io_error
from vocgui.core.project.store_base import now_utc
from vocgui.core.voc.dataset import VocDataset

_IMAGE_SQL = ("INSERT INTO images (id, filename, root, image_path, annotation_path, n_objects, "
              "width, height, depth, segmented, split, labeled) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
_OBJECT_SQL = ("INSERT INTO objects (image_id, name, xmin, ymin, xmax, ymax, difficult, "
               "truncated, occluded, pose) VALUES (?,?,?,?,?,?,?,?,?,?)")


def write_new_project(path: Path, dataset: VocDataset) -> None:
    """Create the project file ``path`` (which must not exist) holding ``dataset``."""
    with new_project_file(path) as conn:
        insert_dataset(conn, dataset)


@contextlib.contextmanager
def new_project_file(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a new project file (schema made, a transaction begun) for the
    block to fill; the file is renamed into place, durably, when the block ends, and
    removed when it raises. ``path`` must not exist."""
    path = Path(path).absolute()
    if path.exists():
        raise ProjectIOError(f"{path} already exists; choose a new project file name")
    tmp = path.with_name(f".{path.name}.creating-{os.getpid()}")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.executescript(DDL)
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        fsync_path(tmp)
        os.replace(tmp, path)
        fsync_path(path.parent)
    except (OSError, sqlite3.Error) as exc:
        raise io_error(path, "create the project file", exc) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def insert_dataset(conn: sqlite3.Connection, ds: VocDataset) -> None:
    meta = {"schema_version": str(SCHEMA_VERSION), "app_version": __version__,
            "created": now_utc()}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.executemany("INSERT INTO roots VALUES (?, ?)",
                     [(i, str(Path(r).absolute())) for i, r in enumerate(ds.roots)])
    insert_images(conn, ds.images, 0)
    blob = encode_static_columns(ds.images)
    conn.execute("INSERT INTO image_columns VALUES (0, ?)", (blob,))
    conn.execute("INSERT INTO meta VALUES ('image_columns_sha256', ?)", (checksum(blob),))
    classes = list(dict.fromkeys(ds.classes))
    known = set(classes)
    for labels in ds.images["labels"]:
        for name in labels:
            if name not in known:  # a label the class list lacks: keep it, append it
                known.add(name)
                classes.append(name)
    # The palette in order, cycling: next_color's order for the first 20 classes, with
    # no set of used colours built per class (quadratic: 11 s for 20,000 classes).
    conn.executemany("INSERT INTO classes VALUES (?, ?, ?, ?)",
                     [(position, position, name, PALETTE[position % len(PALETTE)])
                      for position, name in enumerate(classes)])
    insert_labels(conn, ds.images, 0, {name: i for i, name in enumerate(classes)})
    insert_objects(conn, ds.objects, 0)
    insert_problems(conn, ds.problems)


def insert_images(conn: sqlite3.Connection, img, first_id: int) -> None:
    """Insert the loader's image rows as ids ``first_id``, ``first_id + 1``, ..."""
    n = len(img)
    conn.executemany(_IMAGE_SQL, zip(
        range(first_id, first_id + n), img["filename"].astype(str), _ints(img["root"]),
        img["image_path"].astype(str), img["annotation_path"].astype(str),
        _ints(img["n_objects"]), _ints(img["width"]), _ints(img["height"]),
        _ints(img["depth"]), _ints(img["segmented"]), img["split"].astype(str),
        _ints(img["labeled"]), strict=True))


def insert_labels(conn: sqlite3.Connection, img, first_id: int,
                  class_id: dict[str, int]) -> None:
    """Insert the (image, class) pairs of the image rows inserted at ``first_id``."""
    conn.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?)",
                     ((first_id + row, class_id[name])
                      for row, labels in enumerate(img["labels"]) for name in labels))


def insert_objects(conn: sqlite3.Connection, obj, first_id: int) -> None:
    """Insert the loader's object rows, their ``image`` shifted by ``first_id``."""
    if len(obj):
        conn.executemany(_OBJECT_SQL, zip(
            [first_id + i for i in _ints(obj["image"])], obj["name"].astype(str),
            _floats(obj["xmin"]), _floats(obj["ymin"]), _floats(obj["xmax"]),
            _floats(obj["ymax"]), _ints(obj["difficult"]), _ints(obj["truncated"]),
            _ints(obj["occluded"]), obj["pose"].astype(str), strict=True))


def insert_problems(conn: sqlite3.Connection, problems) -> None:
    conn.executemany("INSERT INTO problems (file, kind, message, image) VALUES (?, ?, ?, ?)",
                     [(p.file, p.kind, p.message, p.image) for p in problems])


def _ints(column) -> list[int]:
    return np.asarray(column).astype(np.int64).tolist()


def _floats(column) -> list[float | None]:
    values = np.asarray(column, dtype=np.float64)
    return [None if np.isnan(v) else v for v in values.tolist()]


def fsync_path(path: Path) -> None:
    """fsync a file or a folder (what makes a rename durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
