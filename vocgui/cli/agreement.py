"""``vocgui agreement PATH [--sample N] [--a NAME --b NAME]``: how far annotators agree.

Prints, for two annotators of the agreement sample (default: the two who labeled the
most of it), each class's counts (both yes, only A, only B, both no) and Cohen's kappa
("n/a" where it is undefined), the overall kappa over every cell, and the images they
disagree on. ``--sample N`` first adds N random images to the sample (``--labeled`` or
``--unlabeled`` ones only). Reading opens the project read-only.
"""

from __future__ import annotations

import argparse

from vocgui.cli.failure import failure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH",
                        help="a vocgui project file, or a VOC folder (its project)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="add N random images to the agreement sample first")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--labeled", action="store_true", help="sample labeled images only")
    which.add_argument("--unlabeled", action="store_true",
                       help="sample unlabeled images only")
    parser.add_argument("--seed", type=int, help="random seed of the sample")
    parser.add_argument("--a", metavar="NAME", help="the first annotator")
    parser.add_argument("--b", metavar="NAME", help="the second annotator")


_fail = failure("agreement")


def run(args: argparse.Namespace) -> int:
    from vocgui.core.evaluation.agreement import agreement_report, report_lines
    from vocgui.core.project import ProjectError
    from vocgui.core.project.location import open_project_for

    try:
        project = open_project_for(args.path, read_only=args.sample is None)
    except (ProjectError, OSError) as exc:
        return _fail(str(exc))
    with project:
        try:
            if args.sample is not None:
                labeled = True if args.labeled else False if args.unlabeled else None
                added = project.add_to_agreement(args.sample, labeled, args.seed)
                print(f"added {len(added)} images to the agreement sample")
            labels = project.agreement_labels()
            if args.sample is not None and len(labels.by_user) < 2:
                return 0  # just sampled: nobody has labeled it yet
            report = agreement_report(labels, args.a, args.b)
        except (ProjectError, ValueError) as exc:
            return _fail(str(exc))
        for line in report_lines(report):
            print(line)
        names = project.images["filename"].to_numpy(dtype=object)
        for d in report.disagreements:
            state = "settled" if d.settled else "open"
            print(f"  {names[d.row]} ({state}): only {report.a}: "
                  f"{', '.join(d.only_a) or '-'}; only {report.b}: {', '.join(d.only_b) or '-'}")
    return 0
