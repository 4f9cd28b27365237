"""Parse a chunk of annotation files into column lists, cheap to send between processes.

A worker process parses one chunk and sends its result back by pickling. Columns (plain
lists of interned strings, numpy arrays of numbers) pickle and unpickle several times
faster than one record per file or object, and the parent only concatenates them.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import numpy as np

from vocgui.core.voc.annotation_parser import ObjectTuple, parse_annotation_file
from vocgui.core.voc.plain_annotation import parse_annotation_fast


@dataclass
class ParsedChunk:
    """Column lists for one chunk of files; row ``i`` of the file columns is ``paths[i]``.

    Files that yield no image row (``ok[i]`` False) still have a position in every file
    column so that indices stay aligned with the input paths.
    """

    ok: list[bool] = field(default_factory=list)
    filename: list[str | None] = field(default_factory=list)
    width: list[int] = field(default_factory=list)
    height: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    segmented: list[bool] = field(default_factory=list)
    labels: list[tuple[str, ...]] = field(default_factory=list)
    n_objects: list[int] = field(default_factory=list)
    #: (file index within the chunk, kind, message)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    #: Object columns; ``object_file`` is the file index within the chunk.
    object_file: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    object_name: list[str] = field(default_factory=list)
    object_box: np.ndarray = field(default_factory=lambda: np.empty((0, 4)))
    object_flags: np.ndarray = field(default_factory=lambda: np.empty((0, 3), bool))
    object_pose: list[str] = field(default_factory=list)


def parse_chunk(paths: list[str], keep_repeats: bool, include_difficult: bool) -> ParsedChunk:
    """Parse every file in ``paths``; never raises for a bad file (it becomes a problem).

    ``labels`` of a file are its object names, sorted; unique unless ``keep_repeats``;
    difficult objects count only when ``include_difficult``.
    """
    # Parsing allocates many small containers that all survive until the chunk is done;
    # cyclic garbage collection cannot free any of them (there are no cycles), so its
    # passes are pure overhead here (~5% of parse time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_files(paths, keep_repeats, include_difficult)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse_files(paths: list[str], keep_repeats: bool, include_difficult: bool) -> ParsedChunk:
    chunk = ParsedChunk()
    if not paths:
        return chunk
    records = [parse_annotation_file(path, parse_annotation_fast) for path in paths]
    # C-level transposes (zip) instead of Python appends per file and per object.
    (ok, filename, width, height, depth, segmented, file_objects,
     file_problems) = zip(*records, strict=True)
    chunk.ok, chunk.filename = list(ok), list(filename)
    chunk.width, chunk.height, chunk.depth = list(width), list(height), list(depth)
    chunk.segmented = list(segmented)
    chunk.n_objects = [len(objects) for objects in file_objects]
    chunk.problems = [(index, kind, message) for index, problems in enumerate(file_problems)
                      for kind, message in problems]
    chunk.labels = _labels(file_objects, keep_repeats, include_difficult)
    objects = [obj for objects in file_objects for obj in objects]
    if objects:
        name, xmin, ymin, xmax, ymax, difficult, truncated, occluded, pose = zip(*objects,
                                                                                  strict=True)
        # Interning makes equal names one object: the pickle stream stores each once and
        # the parent's tables share them (17k files hold only ~20 distinct class names).
        interned: dict[str, str] = {}
        chunk.object_name = [interned.setdefault(n, n) for n in name]
        chunk.object_pose = [interned.setdefault(p, p) for p in pose]
        chunk.object_file = np.repeat(np.arange(len(paths), dtype=np.int32), chunk.n_objects)
        chunk.object_box = np.column_stack([np.asarray(v, np.float64)
                                            for v in (xmin, ymin, xmax, ymax)])
        chunk.object_flags = np.column_stack([np.asarray(v, bool)
                                              for v in (difficult, truncated, occluded)])
    return chunk


def _labels(file_objects: tuple[list[ObjectTuple], ...], keep_repeats: bool,
            include_difficult: bool) -> list[tuple[str, ...]]:
    """Sorted object names per file (see :func:`parse_chunk`), equal tuples shared."""
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}
    labels = []
    for objects in file_objects:
        # obj[0] is the name, obj[5] the difficult flag (see ObjectTuple).
        names = [obj[0] for obj in objects if include_difficult or not obj[5]]
        key = tuple(sorted(names if keep_repeats else set(names)))
        labels.append(interned.setdefault(key, key))
    return labels
