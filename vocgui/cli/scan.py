"""``vocgui scan PATH``: read a VOC dataset, print its summary and every problem found.

PATH is one or more VOC folders (or folders of images, searched recursively), or one
project file (then the summary is of its labels as edited, read without disturbing an
app that has it open).

Exit status: 0 when at least one image loaded (problems are reported, not fatal; a folder
of images without annotations is a valid dataset of unlabeled images), 1 when nothing
could be loaded (empty or missing folder, every file bad), 2 for a CSV that could not be
written or would be written inside a dataset folder (vocgui never writes there). The
summary's statistics count labeled images; ``unlabeled`` counts the others.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

# pandas and the loader are imported where used: '--help' and a usage error answer at once.
if TYPE_CHECKING:
    import pandas as pd

    from vocgui.core.project import Project
    from vocgui.core.voc import VocDataset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="VOC root (with Annotations/), annotations folder or a folder "
                             "of images (searched recursively); several are combined into one "
                             "dataset. Or one .vocgui project file: its labels as edited")
    parser.add_argument("--images", metavar="DIR",
                        help="images folder, for an annotations folder given as PATH")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of text")
    parser.add_argument("--csv", metavar="OUT",
                        help="also write filename,labels for Keras flow_from_dataframe "
                             "(labels as JSON lists; read back with "
                             "vocgui.core.voc.read_labels_csv)")
    parser.add_argument("--no-difficult", action="store_true",
                        help="objects marked difficult do not make labels")
    parser.add_argument("--keep-repeats", action="store_true",
                        help="one label per object (repeats kept) instead of unique labels")
    parser.add_argument("--follow-links", action="store_true",
                        help="follow links that point outside the dataset (reported "
                             "either way; skipped without this)")


def _read(args: argparse.Namespace, stack: contextlib.ExitStack) -> VocDataset | Project:
    """The VOC folders, loaded; or the one project file named, as it is now (with its
    edits), opened read-only so it works while the app has it open."""
    from vocgui.core.project.location import PROJECT_SUFFIX, open_project_for
    from vocgui.core.project.team_url import is_team_url
    from vocgui.core.voc import load_voc

    if len(args.paths) == 1 and (Path(args.paths[0]).suffix == PROJECT_SUFFIX
                                 or is_team_url(args.paths[0])):
        return stack.enter_context(open_project_for(args.paths[0], read_only=True))
    return load_voc(args.paths, images_dir=args.images, keep_repeats=args.keep_repeats,
                    include_difficult=not args.no_difficult, follow_links=args.follow_links)


def run(args: argparse.Namespace) -> int:
    with contextlib.ExitStack() as stack:
        return _scan(args, stack)


def _name_the_project(paths: list[str]) -> None:
    """A folder's files say nothing of the tags given in the app (they live in the folder's
    project): name that project, so that a user who tagged images finds them."""
    from vocgui.core.project.location import PROJECT_SUFFIX, project_path_for_folder

    if len(paths) != 1 or Path(paths[0]).suffix == PROJECT_SUFFIX or not Path(paths[0]).is_dir():
        return
    project = project_path_for_folder(paths[0])
    if project.is_file():
        print(f"(the files as they are; the labels as edited in the app: vocgui scan {project})",
              file=sys.stderr)


def _scan(args: argparse.Namespace, stack: contextlib.ExitStack) -> int:
    from vocgui.core.project.errors import ExportError, ProjectError
    from vocgui.core.project.export import refuse_inside_roots
    from vocgui.core.voc import write_labels_csv

    try:
        dataset = _read(args, stack)
    except (ProjectError, OSError) as error:
        print(f"vocgui scan: {error}", file=sys.stderr)
        return 1
    summary = scan_summary(dataset)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(format_summary(summary))
        _name_the_project(args.paths)
    if dataset.images.empty:
        print("vocgui scan: no images could be loaded from "
              f"{', '.join(map(str, args.paths))} (see the problems above)", file=sys.stderr)
        return 1
    if args.csv:
        try:
            target = refuse_inside_roots(dataset.roots, args.csv)
        except ExportError as error:
            print(f"vocgui scan: {error}", file=sys.stderr)
            return 2
        try:
            write_labels_csv(target, keras_frame(dataset))
        except OSError as error:
            print(f"vocgui scan: cannot write {args.csv}: {error}", file=sys.stderr)
            return 2
        if not args.json:
            n_rows = int(dataset.images["labeled"].sum())
            print(f"wrote {n_rows} rows to {args.csv}" + (
                f" ({summary['unlabeled']} unlabeled images left out)"
                if summary["unlabeled"] else ""))
    return 0


def scan_summary(dataset: VocDataset | Project) -> dict[str, Any]:
    """The statistics summary plus ``roots``, ``splits`` and ``problems``; JSON-able.

    A project has the tables a dataset has (its labels as edited since)."""
    from vocgui.core.stats import dataset_summary, multi_hot

    y = multi_hot(dataset.images["labels"], dataset.classes)
    summary = dataset_summary(y, dataset.classes, dataset.images, dataset.objects)
    summary["roots"] = list(dataset.roots)
    summary["splits"] = {(split or "none"): int(count) for split, count
                         in dataset.images["split"].value_counts(sort=False).items()}
    summary["problems"] = [problem.as_dict() for problem in dataset.problems]
    return summary


def keras_frame(dataset: VocDataset | Project) -> pd.DataFrame:
    """``filename`` (absolute image path) and ``labels`` columns, one row per labeled
    image (an unlabeled one would train as a negative)."""
    import pandas as pd

    labeled = dataset.images["labeled"].to_numpy(dtype=bool)
    return pd.DataFrame({"filename": [p for p, keep in zip(dataset.absolute_paths(), labeled,
                                                           strict=True) if keep],
                         "labels": dataset.images["labels"].to_numpy()[labeled]})


def format_summary(summary: dict[str, Any]) -> str:
    """The human-readable report of :func:`scan_summary`."""
    lines = [f"labeled images: {summary['images']}   unlabeled: {summary['unlabeled']}   "
             f"roots: {', '.join(summary['roots'])}"]
    if summary["splits"]:
        lines.append("splits: " + ", ".join(f"{name} {count}"
                                            for name, count in summary["splits"].items()))
    classes = summary["classes"]
    lines.append(f"classes: {len(classes)}")
    if classes:
        width = max(len(name) for name in classes)
        lines.append(f"  {'class':<{width}}  {'images':>7}  {'objects':>7}  "
                     f"{'positive':>8}  {'negative':>8}")
        for name, row in classes.items():
            objects = "" if row["objects"] is None else row["objects"]
            lines.append(f"  {name:<{width}}  {row['images']:>7}  {objects:>7}  "
                         f"{row['positives']:>8}  {row['negatives']:>8}")
    lines.append("labels per image: " + ", ".join(
        f"{k}: {n}" for k, n in summary["labels_per_image"].items() if n))
    lines.extend(_size_lines(summary["sizes"]))
    problems = summary["problems"]
    lines.append(f"problems: {len(problems)}")
    lines.extend(f"  {p['kind']}: {p['file']}: {p['message']}" for p in problems)
    return "\n".join(lines)


def _size_lines(sizes: dict[str, Any]) -> list[str]:
    lines = [f"image sizes: {sizes['known']} known, {sizes['unknown']} unknown"]
    if not sizes["known"]:
        return lines
    for name in ("width", "height", "aspect", "megapixels"):
        d = sizes[name]
        lines.append(f"  {name:<10} min {d['min']:g}  median {d['median']:g}  "
                     f"mean {d['mean']:.3g}  max {d['max']:g}")
    return lines
