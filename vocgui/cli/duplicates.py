"""``vocgui duplicates PATH [--json] [--threshold D] [--embedding-threshold S]``: exact and
near-duplicate images.

PATH is a project file or a VOC folder (its project is found, or made, where the app
keeps it). Hashes are computed for new or changed files only and cached in the project;
when the app has the project open, it is read without caching. When a run saved features
(``features.npy``), the newest such run's embeddings also link images whose cosine
similarity is at least S, in the same groups (each says what found it). Prints each group with
its images' splits and labels, marking leaks (copies across train/val, or test and
another split) and label conflicts (copies with different labels). Exit code 0, or 2 for
bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from vocgui.cli.failure import failure
from vocgui.core.duplicates.thresholds import (
    DEFAULT_SIMILARITY,
    DEFAULT_THRESHOLD,
    MAX_HAMMING_THRESHOLD,
)

if TYPE_CHECKING:  # the hashing stack loads only when the command runs (--help stays fast)
    from vocgui.core.duplicates.report import DuplicateReport
    from vocgui.core.project import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="a vocgui project file or a VOC folder")
    parser.add_argument("--json", action="store_true", help="print the groups as JSON")
    parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, metavar="D",
                        help="largest perceptual-hash distance, in bits of 64, for a near "
                        f"copy (0 to {MAX_HAMMING_THRESHOLD}; default {DEFAULT_THRESHOLD})")
    parser.add_argument("--embedding-threshold", type=float, default=DEFAULT_SIMILARITY,
                        metavar="S", help="smallest cosine similarity of two images' "
                        "features (from the newest run that saved them) for a near copy "
                        f"(above 0, at most 1; default {DEFAULT_SIMILARITY})")
    parser.add_argument("--no-embeddings", action="store_true",
                        help="use the hashes only, even when a run has features")


_fail = failure("duplicates")


def _open(path: str) -> Project:
    """For writing (so the hashes are kept), or read-only where the app holds the lock."""
    from vocgui.core.project import ProjectLockedError
    from vocgui.core.project.location import open_project_for

    try:
        return open_project_for(path, on_create=lambda target: print(
            f"creating project {target} from {path}", file=sys.stderr))
    except ProjectLockedError as exc:
        print(f"{exc}; reading it without caching the hashes", file=sys.stderr)
        return open_project_for(path, read_only=True)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rhashing images {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


def as_json(report: DuplicateReport, filenames: list[str]) -> dict:
    """The report as plain JSON, with each image's file name beside its row."""
    groups = []
    for group in report.groups:
        entry = group.to_dict()
        entry["filenames"] = [filenames[r] for r in group.rows]
        groups.append(entry)
    return {"threshold": report.threshold, "features_run": report.features_run,
            "embedding_threshold": report.min_similarity,
            "images": report.n_images, "groups": groups,
            "leaks": len(report.leaks), "label_conflicts": len(report.label_conflicts),
            "leaked_images": len(report.leaked_rows),
            "errors": [{"row": r, "filename": filenames[r], "error": e}
                       for r, e in sorted(report.errors.items())]}


def print_text(report: DuplicateReport, filenames: list[str]) -> None:
    for number, group in enumerate(report.groups, 1):
        kind = group.how_found
        marks = "".join([" LEAK" if group.leak else "",
                         " LABELS DIFFER" if group.label_conflict else ""])
        print(f"group {number}: {len(group.rows)} images, {kind}{marks}")
        for row, split, labels in zip(group.rows, group.splits, group.labels, strict=True):
            print(f"  {filenames[row]}  [{split or 'no split'}]  {', '.join(labels) or '-'}")
    for row, error in sorted(report.errors.items()):
        print(f"not hashed: {filenames[row]}: {error}")
    features = (f", features of run {report.features_run} at cosine >= "
                f"{report.min_similarity}" if report.features_run is not None
                else ", hashes only")
    print(f"{len(report.groups)} groups of duplicates among {report.n_images} images "
          f"(threshold {report.threshold}{features}): {len(report.leaks)} leaks "
          f"({len(report.leaked_rows)} validation/test images with a copy elsewhere), "
          f"{len(report.label_conflicts)} with different labels")


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.threshold <= MAX_HAMMING_THRESHOLD:
        return _fail(f"--threshold must be between 0 and {MAX_HAMMING_THRESHOLD}, "
                     f"got {args.threshold}")
    if not 0 < args.embedding_threshold <= 1:
        return _fail(f"--embedding-threshold must be above 0 and at most 1, "
                     f"got {args.embedding_threshold}")
    from vocgui.core.duplicates.report import find_duplicates
    from vocgui.core.project import ProjectError

    try:
        project = _open(args.path)
    except (ProjectError, FileNotFoundError) as exc:
        return _fail(str(exc))
    with project:
        report = find_duplicates(project, args.threshold, progress=_progress,
                                 min_similarity=None if args.no_embeddings
                                 else args.embedding_threshold)
        filenames = list(project.images["filename"])
    if args.json:
        print(json.dumps(as_json(report, filenames), indent=1))
    else:
        print_text(report, filenames)
    return 0
