"""``vocgui [PATH]``: open the desktop app (the default command).

PATH is a VOC folder or a project file; without it the last project opens, or on first
run the built-in demo dataset. ``--screenshot OUT.png`` renders the window headless after
loading and exits. Qt is imported only when this command runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1366x768, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _location(text: str) -> Path | str:
    """A path, or a postgresql:// URL kept as text (a Path would fold its '//')."""
    return text if text.lower().startswith(("postgresql://", "postgres://")) else Path(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=_location, metavar="PATH",
                        help="a VOC folder, a .vocgui project file or a postgresql:// URL "
                             "(a team project; default: the last project, or the demo "
                             "dataset on first run)")
    parser.add_argument("--read-only", action="store_true",
                        help="open without the editing lock and refuse every edit (works "
                             "while another vocgui process edits the project)")
    parser.add_argument("--follow-links", action="store_true",
                        help="when making a folder's project, follow links that point "
                             "outside the dataset (reported either way; skipped without "
                             "this)")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png",
                        help="render the window to a PNG once loaded, then exit (headless)")
    parser.add_argument("--size", type=_size, metavar="WxH",
                        help="window size, e.g. 1366x768 (screenshots default to 1366x768)")
    parser.add_argument("--screenshot-delay", type=float, default=1.0, metavar="S",
                        help="seconds to wait after loading before the screenshot "
                             "(lets the viewer decode the image; default 1)")
    parser.add_argument("--tab", metavar="NAME",
                        help="start on this tab: Images (default), Dataset, Training, Review")
    parser.add_argument("--benchmark-startup", action="store_true",
                        help="print the time the window first showed data, then exit "
                             "(headless; used by benchmarks/bench_gui_startup.py)")


def run(args: argparse.Namespace) -> int:
    if isinstance(args.path, Path) and not args.path.exists():
        print(f"vocgui: {args.path}: no such file or folder", file=sys.stderr)
        return 2
    if args.screenshot is not None or args.benchmark_startup:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from vocgui.qt.display import display_problem  # before Qt, which would abort

    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtCore import QSize

    from vocgui.qt.app import run_app

    size = QSize(*args.size) if args.size else None
    return run_app(args.path, screenshot=args.screenshot, size=size,
                   screenshot_delay_s=args.screenshot_delay,
                   benchmark_startup=args.benchmark_startup, tab=args.tab,
                   read_only=args.read_only, follow_links=args.follow_links)
