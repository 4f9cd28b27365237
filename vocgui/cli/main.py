"""Entry point of the ``vocgui`` command: dispatches to one module per subcommand.

``vocgui`` with no subcommand (or with a path) launches the desktop app. Subcommand
modules are imported only when chosen, so ``vocgui scan`` never loads Qt and the app
never loads TensorFlow.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> (module, one-line help). Each module defines ``add_arguments(parser)`` and
# ``run(args) -> int``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("vocgui.cli.scan", "read a VOC dataset and print a summary and its problems"),
    "demo": ("vocgui.cli.demo", "write the built-in demo dataset to a folder"),
    "train": ("vocgui.cli.train", "train a model on a project or VOC folder, headless"),
    "review": ("vocgui.cli.review", "write a post-mortem report of a training run"),
    "gui": ("vocgui.cli.gui", "open the desktop app (the default)"),
}


def build_parser() -> argparse.ArgumentParser:
    """The full parser, every subcommand included (used by ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="vocgui",
        description="Curate multi-label PASCAL VOC datasets, train and review models.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # No subcommand means the desktop app: `vocgui`, `vocgui PATH`, `vocgui --screenshot X`.
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["gui", *argv]
    if argv[0] in ("-h", "--help"):
        build_parser().print_help()
        return 0
    name = argv[0]
    module = importlib.import_module(SUBCOMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"vocgui {name}", description=SUBCOMMANDS[name][1])
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    return int(module.run(args) or 0)
