"""Entry point of the ``vocgui`` command: dispatches to one module per subcommand.

``vocgui`` with no subcommand (or with a path) launches the desktop app. Subcommand
modules are imported only when chosen, so ``vocgui scan`` never loads Qt and the app
never loads TensorFlow; each module imports its heavy libraries (pandas, scikit-learn,
matplotlib...) inside ``run``, so ``--help`` and usage errors answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

# name -> (module, one-line help). Each module defines ``add_arguments(parser)`` and
# ``run(args) -> int``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("vocgui.cli.scan", "read a VOC dataset and print a summary and its problems"),
    "add": ("vocgui.cli.add", "add a folder of images to a project (unlabeled unless annotated)"),
    "demo": ("vocgui.cli.demo", "write the built-in demo dataset to a folder"),
    "train": ("vocgui.cli.train", "train a model on a project or VOC folder, headless"),
    "predict": ("vocgui.cli.predict", "score every image with a run's model (headless)"),
    "review": ("vocgui.cli.review", "write a post-mortem report of a training run"),
    "duplicates": ("vocgui.cli.duplicates",
                   "list exact and near-duplicate images, leaks and label conflicts"),
    "claim": ("vocgui.cli.claim", "claim the next unlabeled images, or list claims"),
    "agreement": ("vocgui.cli.agreement", "print two annotators' agreement (Cohen's kappa)"),
    "project": ("vocgui.cli.project", "copy a project to or from a PostgreSQL server"),
    "gui": ("vocgui.cli.gui", "open the desktop app (the default)"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser (used by ``--help``): the subcommands and their one-line help.

    No subcommand module is imported, so help prints at once; ``vocgui COMMAND --help``
    shows a command's own options.
    """
    parser = argparse.ArgumentParser(
        prog="vocgui",
        description="Curate multi-label PASCAL VOC datasets, train and review models.",
        epilog="'vocgui COMMAND --help' shows a command's options; with no COMMAND, "
               "'vocgui [PATH]' opens the desktop app (see 'vocgui gui --help').",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    return parser


def subcommand_parser(name: str) -> tuple[argparse.ArgumentParser, ModuleType]:
    """The parser of subcommand ``name`` and its module (imported now)."""
    module = importlib.import_module(SUBCOMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"vocgui {name}", description=SUBCOMMANDS[name][1])
    module.add_arguments(parser)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # No subcommand means the desktop app: `vocgui`, `vocgui PATH`, `vocgui --screenshot X`.
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help")):
        argv = ["gui", *argv]
    if argv[0] in ("-h", "--help"):
        build_parser().print_help()
        return 0
    parser, module = subcommand_parser(argv[0])
    args = parser.parse_args(argv[1:])
    try:
        code = int(module.run(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe is found here, not at exit
        return code
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """``vocgui scan --json | head``: the reader closed the pipe; end quietly, as Unix
    tools do. stdout is pointed at /dev/null so the interpreter's final flush of what is
    still buffered cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the pipe
