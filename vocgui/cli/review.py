"""``vocgui review PATH [--run ID] [--out DIR]``: write a run's post-mortem report.

PATH is a project file or a VOC folder (the project the app and ``vocgui train`` use).
Writes the confusion grid and precision-recall curves (PNG and PDF), the per-class
table, the per-image predictions and the likely label errors (CSV; none from a model not
clearly better than guessing by class frequency, which it says), and prints the per-class
table with scikit-learn's AP beside the VOC devkit's two definitions, then the likely
label errors (the first few, with what was checked: every labeled image of a
cross-validated run, else the run's validation images), in the Review tab's words. Opens
the project read-only, so it works while the app has it open.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vocgui.cli.failure import failure

# pandas, scikit-learn and matplotlib are imported in run(): '--help' and a usage error
# answer at once.
if TYPE_CHECKING:
    from vocgui.core.evaluation.run_review import RunReview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH",
                        help="a vocgui project file, or a VOC folder (its project)")
    parser.add_argument("--run", type=int, metavar="ID",
                        help="run to review (default: the newest with validation predictions)")
    parser.add_argument("--out", metavar="DIR",
                        help="folder for the report (default: <project>-review-run<ID> "
                        "next to the project)")
    parser.add_argument("--threshold", type=float, metavar="T",
                        help="one threshold for every class (default: the run's own, 0.5)")
    parser.add_argument("--best-thresholds", action="store_true",
                        help="use each class's best-F1 threshold on the validation set")
    parser.add_argument("--order", choices=("support", "f1", "name"), default="support",
                        help="panel order of the figures (default: support)")
    parser.add_argument("--formats", metavar="LIST",
                        help="figure formats, comma-separated (default: png,pdf)")


_fail = failure("review")


def _thresholds(review: RunReview, args: argparse.Namespace, default: float):
    base = default if args.threshold is None else args.threshold
    if not args.best_thresholds:
        return base
    best = review.best_thresholds(base)
    print(f"best-F1 thresholds raise macro F1 by {best['gain'].mean():+.3f} "
          "(tuned on the validation set itself: an optimistic estimate)")
    return best["threshold"].to_numpy()


def run(args: argparse.Namespace) -> int:
    from vocgui.core.evaluation.report import (
        SHOWN_COLUMNS,
        UNDEFINED,
        metric_text,
        summary_text,
    )
    from vocgui.core.evaluation.review_runs import (
        checked_description,
        load_review,
        reviewable_runs,
        run_threshold,
    )
    from vocgui.core.project import ProjectError
    from vocgui.core.project.location import open_project_for
    from vocgui.plots.review_report import FORMATS, write_report

    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        return _fail(f"--threshold must be between 0 and 1, got {args.threshold}")
    try:
        project = open_project_for(args.path, read_only=True)
    except (ProjectError, OSError) as exc:
        return _fail(str(exc))
    with project:
        runs = reviewable_runs(project)
        if runs.empty:
            return _fail(f"{project.path} has no run with validation predictions; "
                         "train one first (vocgui train)", 1)
        run_id = int(runs["id"].iloc[0]) if args.run is None else args.run
        chosen = runs[runs["id"] == run_id]
        if chosen.empty:
            known = ", ".join(str(i) for i in sorted(runs["id"]))
            return _fail(f"{project.path} has no run {run_id} with validation predictions "
                         f"(runs with predictions: {known})", 1)
        review = load_review(project, run_id)
        thresholds = _thresholds(review, args, run_threshold(chosen.iloc[0]))
        out = Path(args.out) if args.out else (
            project.path.parent / f"{project.path.stem}-review-run{run_id}")
        formats = ([f.strip() for f in args.formats.split(",") if f.strip()]
                   if args.formats else list(FORMATS))
        filenames = list(project.images["filename"])
        checked = checked_description(project, run_id, len(review.rows))
        try:
            written = write_report(review, thresholds, out, filenames, args.order, formats)
        except (OSError, ValueError) as exc:
            return _fail(f"cannot write the report to {out}: {exc}")
    table = review.table(thresholds).loc[:, list(SHOWN_COLUMNS)]
    summary = review.summary(review.counts(thresholds))
    print(table.to_string(float_format=metric_text, na_rep=UNDEFINED))
    print("AP: scikit-learn's; VOC07 = 11-point, VOC10 = all-points (both ignore labels "
          "that come only from difficult objects)")
    print(f"run {run_id}: {len(review.rows)} validation images, {summary_text(summary)} "
          "(macro F1 and mAPs over the classes with support)")
    _print_label_issues(review, checked, filenames)
    print(f"wrote {len(written)} files to {out}")
    return 0


#: Label issues printed; the report's label_issues.csv lists them all.
SHOWN_ISSUES = 10


def _print_label_issues(review: RunReview, checked: str, filenames: list[str]) -> None:
    """The Review tab's summary of the likely label errors, then the first few."""
    from vocgui.core.evaluation.label_issues import LabelIssueError
    from vocgui.core.evaluation.review_runs import issues_summary

    try:
        verdict, issues = review.trusted_label_issues()
    except LabelIssueError as exc:  # e.g. a one-class run
        print(f"Cannot look for label errors: {exc} ({checked}).")
        return
    print("Likely label errors: " + issues_summary(verdict, len(issues), checked))
    for issue in issues.head(SHOWN_ISSUES).itertuples():
        change = "; ".join(part for part in (
            "add " + ", ".join(issue.add) if issue.add else "",
            "remove " + ", ".join(issue.remove) if issue.remove else "") if part)
        print(f"  {filenames[issue.row]}: {change} (quality {issue.quality:.3f})")
    if len(issues) > SHOWN_ISSUES:
        print(f"  ... {len(issues) - SHOWN_ISSUES:,} more in label_issues.csv")
