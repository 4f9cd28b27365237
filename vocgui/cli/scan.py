"""``vocgui scan PATH``: read a VOC dataset, print its summary and every problem found.

Exit status: 0 when at least one image loaded (problems are reported, not fatal), 1 when
nothing could be loaded (empty or missing folder, every file bad), 2 for a CSV that could
not be written or would be written inside a dataset folder (vocgui never writes there).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

# pandas and the loader are imported where used: '--help' and a usage error answer at once.
if TYPE_CHECKING:
    import pandas as pd

    from vocgui.core.voc import VocDataset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="VOC root (with Annotations/) or annotations folder; several "
                             "are combined into one dataset")
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


def run(args: argparse.Namespace) -> int:
    from vocgui.core.project.errors import ExportError
    from vocgui.core.project.export import refuse_inside_roots
    from vocgui.core.voc import load_voc, write_labels_csv

    dataset = load_voc(args.paths, images_dir=args.images, keep_repeats=args.keep_repeats,
                       include_difficult=not args.no_difficult,
                       follow_links=args.follow_links)
    summary = scan_summary(dataset)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(format_summary(summary))
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
            print(f"wrote {len(dataset.images)} rows to {args.csv}")
    return 0


def scan_summary(dataset: VocDataset) -> dict[str, Any]:
    """The statistics summary plus ``roots``, ``splits`` and ``problems``; JSON-able."""
    from vocgui.core.stats import dataset_summary, multi_hot

    y = multi_hot(dataset.images["labels"], dataset.classes)
    summary = dataset_summary(y, dataset.classes, dataset.images, dataset.objects)
    summary["roots"] = list(dataset.roots)
    summary["splits"] = {(split or "none"): int(count) for split, count
                         in dataset.images["split"].value_counts(sort=False).items()}
    summary["problems"] = [problem.as_dict() for problem in dataset.problems]
    return summary


def keras_frame(dataset: VocDataset) -> pd.DataFrame:
    """``filename`` (absolute image path) and ``labels`` columns, one row per image."""
    import pandas as pd

    return pd.DataFrame({"filename": dataset.absolute_paths(),
                         "labels": dataset.images["labels"].to_numpy()})


def format_summary(summary: dict[str, Any]) -> str:
    """The human-readable report of :func:`scan_summary`."""
    lines = [f"images: {summary['images']}   roots: {', '.join(summary['roots'])}"]
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
