"""``vocgui predict PATH [--run ID] [--csv OUT]``: score every image with a run's model;
``vocgui predict PATH --features-only [--backbone B]``: features of every image from a
pretrained backbone, no training.

PATH is a project file or a dataset folder (its project is found, or made, where the app
keeps it: :mod:`vocgui.core.project.location`). The model of run ``--run`` (default: the
newest completed run) scores every image of the project, labeled and unlabeled, in a
child process with the run's own preprocessing, exactly as the run's scoring pass does
(:mod:`vocgui.training.scoring`); the scores replace the run's stored ones. ``--csv``
also writes them: ``filename``, ``path``, ``labeled``, ``in_sample``, ``suggested`` (the
labels the app suggests, a JSON list, at the run's per-class thresholds: saved from the
Review tab, else tuned out of sample; which is printed), one column per class. This
module imports no TensorFlow. Exit code: 0 done, 1 failed, 2 bad input, 130 stopped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vocgui.cli.failure import failure

if TYPE_CHECKING:
    from vocgui.core.project import Project

_fail = failure("predict")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="project file (.vocgui) or dataset folder")
    parser.add_argument("--run", type=int, metavar="ID",
                        help="run whose model scores (default: the newest completed run)")
    parser.add_argument("--csv", metavar="OUT", help="also write the scores to this CSV")
    parser.add_argument("--features-only", action="store_true",
                        help="no model of a run: a pretrained backbone's features of every "
                        "image (its ImageNet weights must be in the Keras cache)")
    parser.add_argument("--backbone", default="mobilenetv3",
                        choices=("mobilenetv3", "efficientnetb0", "resnet50"),
                        help="the backbone of --features-only (default mobilenetv3)")
    parser.add_argument("--size", type=int, default=224, metavar="PX",
                        help="input side in pixels for --features-only (default 224)")


def chosen_run(project: Project, run_id: int | None) -> dict:
    """The run to score with: ``run_id``, or the newest completed run with a model file.

    ValueError says why there is none or why it cannot score."""
    runs = project.runs()
    if run_id is None:
        done = runs[(runs["status"] == "completed") & runs["model_path"].notna()]
        if done.empty:
            raise ValueError(f"{project.path} has no completed run to score with; train "
                             "one first ('vocgui train')")
        run_id = int(done["id"].iloc[-1])
    try:
        run = project.run(run_id)
    except KeyError as exc:
        raise ValueError(str(exc).strip("'\"")) from exc
    model = run["model_path"]
    if not model or not Path(model).is_file():
        raise ValueError(f"run {run_id} has no model file to score with"
                         + (f" ({model} is missing)" if model else ""))
    return run


def run(args: argparse.Namespace) -> int:
    # Imported here: numpy and pandas are not for --help.
    from vocgui.cli.train import follow_run
    from vocgui.core.project import ProjectError
    from vocgui.core.project.errors import ExportError
    from vocgui.core.project.location import open_project_for
    from vocgui.core.wording import plural
    from vocgui.training.run_start import RunStartError, start_scoring

    try:
        project = open_project_for(args.path)
    except (ProjectError, OSError, ValueError) as exc:
        return _fail(exc)
    with project:
        if args.features_only:
            return _features_only(project, args)
        try:
            chosen = chosen_run(project, args.run)
        except ValueError as exc:
            return _fail(exc)
        run_id = chosen["id"]
        print(f"scoring {plural(len(project.images), 'image')} with the model of run "
              f"{run_id} ({chosen['model_path']})", file=sys.stderr)
        try:
            started = start_scoring(project, chosen)
        except RunStartError as exc:
            return _fail(exc, 1)
        code = follow_run(started, None)
        if code == 0 and args.csv:
            try:
                written, thresholds = write_scores_csv(project, run_id, Path(args.csv))
            except (ExportError, OSError) as exc:
                return _fail(exc)
            print(f"wrote {plural(written, 'row')} to {args.csv}; suggested labels at "
                  f"{thresholds}")
        return code


def _features_only(project: Project, args: argparse.Namespace) -> int:
    from vocgui.cli.train import follow_run
    from vocgui.core.wording import plural
    from vocgui.training.run_start import FeaturesUnavailable, RunStartError, start_features

    if args.run is not None or args.csv:
        return _fail("--features-only takes no --run or --csv")
    try:
        started = start_features(project, args.backbone, args.size)
    except FeaturesUnavailable as exc:
        return _fail(exc)
    except RunStartError as exc:
        return _fail(exc, 1)
    print(f"features of {plural(len(project.images), 'image')} from {args.backbone} "
          f"(run {started.run_id}, no training)", file=sys.stderr)
    return follow_run(started, None)


def write_scores_csv(project: Project, run_id: int, path: Path) -> tuple[int, str]:
    """The run's scores of every image and its suggested labels as a CSV; returns the
    number of rows and which thresholds suggested them."""
    import numpy as np
    import pandas as pd

    from vocgui.core.atomic import atomic_text_writer
    from vocgui.core.project.export import check_outside_roots
    from vocgui.core.suggestions import load_run_scores
    from vocgui.core.voc.labels_csv import encode_labels

    target = check_outside_roots(project, path)  # never into a dataset
    scored = load_run_scores(project, run_id)
    images = project.images
    paths = np.asarray(project.absolute_paths(), dtype=object)
    suggested = scored.scores >= scored.thresholds
    frame = pd.DataFrame({
        "filename": images["filename"].to_numpy(dtype=object)[scored.rows],
        "path": paths[scored.rows],
        "labeled": images["labeled"].to_numpy(dtype=bool)[scored.rows],
        "in_sample": scored.in_sample,
        "suggested": [encode_labels([c for c, s in zip(scored.classes, row, strict=True) if s])
                      for row in suggested],
    })
    for j, name in enumerate(scored.classes):
        frame[name] = np.round(scored.scores[:, j], 6)
    with atomic_text_writer(target) as fh:
        frame.to_csv(fh, index=False, lineterminator="\n")
    return len(frame), scored.origin.caption()
