"""``vocgui demo DIR``: write the built-in demo dataset and print where it is."""

from __future__ import annotations

import argparse
import sys

#: The demo's unlabeled part by default: ``vocgui.core.demo.DEMO_UNLABELED`` (not imported
#: here, so ``--help`` stays instant; a test checks the two agree).
DEFAULT_UNLABELED = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", metavar="DIR", help="folder to write the VOC dataset into "
                        "(created; must be new or empty)")
    parser.add_argument("--images", type=int, default=600, metavar="N",
                        help="number of annotated images (default: 600)")
    parser.add_argument("--unlabeled", type=int, default=DEFAULT_UNLABELED, metavar="N",
                        help="images written without an annotation, to label in the app "
                        f"(default: {DEFAULT_UNLABELED})")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="random seed; the same seed gives the same files (default: 0)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a demo dataset already in DIR")


def run(args: argparse.Namespace) -> int:
    from vocgui.core.demo import DEMO_CLASSES, write_demo  # numpy, PIL: not for --help

    try:
        root = write_demo(args.dir, n_images=args.images, seed=args.seed,
                          overwrite=args.overwrite, n_unlabeled=args.unlabeled)
    except FileExistsError as exc:
        print(f"vocgui demo: {exc}; --overwrite replaces a previous demo", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"vocgui demo: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.images} annotated and {args.unlabeled} unlabeled demo images "
          f"({len(DEMO_CLASSES)} classes: {', '.join(DEMO_CLASSES)}) to {root}")
    return 0
