"""``vocgui train PATH``: train a model headless, with a progress bar, and record the run.

PATH is a project file (.vocgui) or a VOC folder. A VOC folder's project is the one the
app opens for it (:mod:`vocgui.core.project.location`; or ``--project-file``), never
inside the dataset, so the run shows in the app. The run starts exactly as the app's does
(:func:`vocgui.training.run_start.start_run`), so this module imports no TensorFlow. Like
the Training tab, it first warns (on stderr) when validation images have near-copies in
training (:mod:`vocgui.core.duplicates.leaks`). Exit code: 0 completed, 1 failed, 2 bad
input, 130 stopped."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from vocgui.core.wording import plural
from vocgui.training.config import BACKBONES, ConfigError, TrainConfig, defaults_for
from vocgui.training.events import number_text
from vocgui.training.settings import SETTINGS, Setting, apply, field_type

# The project store (pandas) is imported where used: '--help' and a usage error answer
# at once.
if TYPE_CHECKING:
    from vocgui.core.project import Project
    from vocgui.training.run_start import StartedRun

_TYPES = {"int": int, "float": float, "str": str}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="project file (.vocgui) or VOC folder")
    parser.add_argument("--backbone", choices=BACKBONES, default="small_cnn",
                        help="model (default: small_cnn; the others use the backbone's "
                        "own defaults for size and rate)")
    for setting in SETTINGS:
        if setting.cli:
            _add_setting(parser, setting)
    parser.add_argument("--json-log", metavar="FILE", help="also write every event as a "
                        "JSON line to FILE")
    parser.add_argument("--project-file", metavar="F", help="project file to use for a "
                        "VOC folder (default: the one the app opens, in the data folder)")
    parser.add_argument("--follow-links", action="store_true",
                        help="when making a folder's project, follow links that point "
                             "outside the dataset")
    parser.add_argument("--out", metavar="DIR", help="run folder (default: "
                        "<project file>.runs/run-<id> beside the project file)")


def _add_setting(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """The option of one config field; its default None means "the backbone's default"."""
    kind = field_type(setting)
    if kind.startswith("bool"):
        parser.add_argument(setting.flag, dest=setting.key, default=None, help=setting.help,
                            action=argparse.BooleanOptionalAction)
    elif setting.choices:
        parser.add_argument(setting.flag, dest=setting.key, choices=setting.choices,
                            help=setting.help)
    else:
        parser.add_argument(setting.flag, dest=setting.key, type=_TYPES[kind],
                            metavar=setting.metavar, help=setting.help)


def open_project(path: str | Path, project_file: str | None, follow_links: bool = False) -> Project:
    """The project for PATH: a project file, a postgresql:// URL, or the VOC folder's
    project (found or made where the app keeps it; the dataset itself is never written
    to)."""
    from vocgui.core.project.location import open_project_for

    return open_project_for(path, project_file=project_file, follow_links=follow_links,
                            on_create=lambda target: print(
                                f"creating project {target} from {path}", file=sys.stderr))


class ProgressPrinter:
    """A one-line progress bar on a terminal (plain lines otherwise) and epoch summaries."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last_plain = 0.0

    def _line(self, text: str, transient: bool) -> None:
        if self.tty:
            end = "" if transient else "\n"
            self.stream.write("\r\x1b[2K" + text + end)
        elif not transient or time.monotonic() - self._last_plain > 5.0:
            self._last_plain = time.monotonic()
            self.stream.write(text + "\n")
        self.stream.flush()

    def handle(self, event: dict) -> None:
        kind = event["type"]
        fold = f"fold {event['fold']}/{event['folds']} " if "fold" in event else ""
        if kind == "batch":
            done = event["batch"] / event["batches"]
            bar = "#" * int(done * 30)
            eta = event.get("eta")
            eta_text = f" ETA {eta:.0f}s" if eta is not None else ""
            self._line(f"{fold}epoch {event['epoch']}/{event['epochs']} [{bar:<30}] "
                       f"{event['batch']}/{event['batches']} loss "
                       f"{number_text(event['loss'])}{eta_text}", transient=True)
        elif kind == "scoring":
            bar = "#" * int(event["done"] / max(1, event["total"]) * 30)
            self._line(f"scoring [{bar:<30}] {event['done']}/{event['total']} batches",
                       transient=True)
        elif kind == "epoch":
            m = event["metrics"]
            ap = "n/a" if m.get("map") is None else f"{m['map']:.3f}"
            self._line(f"epoch {event['epoch']}/{event['epochs']}: loss "
                       f"{number_text(m.get('loss'))} val_loss {number_text(m.get('val_loss'))}"
                       f" F1 micro {number_text(m.get('f1_micro'), '.3f')} macro "
                       f"{number_text(m.get('f1_macro'), '.3f')} mAP {ap} "
                       f"({event.get('seconds', 0):.1f}s)", transient=False)
        elif kind == "started":
            self._line(f"training {event['config']['backbone']} on "
                       f"{plural(event['n_train'], 'image')}, "
                       f"validating on {event['n_val']} ({event.get('split', '')} split, "
                       f"{plural(event.get('n_negatives', 0), 'negative')})", transient=False)
            self._line(f"device: {event.get('device', 'unknown')}", transient=False)
        elif kind == "excluded":
            self._line(f"excluded {event['file']}: {event['reason']}", transient=False)
        elif kind == "log":
            self._line(event["message"], transient=False)


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The backbone's defaults with every setting given on the command line applied."""
    given = {s.name: getattr(args, s.key) for s in SETTINGS
             if s.cli and getattr(args, s.key) is not None}
    return apply(defaults_for(args.backbone), given)


def run(args: argparse.Namespace) -> int:
    from vocgui.core.duplicates.leaks import leak_warning
    from vocgui.core.project import ProjectError
    from vocgui.training.run_start import RunStartError, start_run

    try:
        config = config_from_args(args)
    except (ConfigError, TypeError) as exc:
        print(f"vocgui train: {exc}", file=sys.stderr)
        return 2
    try:
        project = open_project(args.path, args.project_file, args.follow_links)
    except (ProjectError, OSError, ValueError) as exc:
        print(f"vocgui train: {exc}", file=sys.stderr)
        return 2
    with project:
        # As the Training tab asks first: validation images with near-copies in training.
        warning = leak_warning(project, config.split)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
        try:
            started = start_run(project, config, out_dir=args.out)
        except (ProjectError, RunStartError) as exc:
            print(f"vocgui train: {exc}", file=sys.stderr)
            return 1
        print(f"run {started.run_id} in {project.path}; files in {started.out_dir}",
              file=sys.stderr)
        if project.n_unlabeled:
            print(f"training on the labeled images; {project.n_unlabeled:,} unlabeled "
                  "left out", file=sys.stderr)
        return follow_run(started, args.json_log)


def follow_run(started: StartedRun, json_log: str | None) -> int:
    """Print and record every event until the run ends; Ctrl-C stops the run cleanly."""
    process = started.process
    printer = ProgressPrinter(sys.stdout)
    log = open(json_log, "a", encoding="utf-8") if json_log else None  # noqa: SIM115
    final: dict = {}
    try:
        events = process.events()
        while True:
            try:
                event = next(events, None)
            except KeyboardInterrupt:
                print("\nstopping ...", file=sys.stderr)
                process.stop(timeout=10.0)
                continue
            if event is None:
                break
            if log:
                log.write(json.dumps(event) + "\n")
                log.flush()
            started.record(event)
            printer.handle(event)
            if event["type"] == "finished":
                final = event
    finally:
        process.close()
        if log:
            log.close()
    status = final.get("status", "failed")
    print(f"{status}: {final.get('message', '')}",
          file=sys.stdout if status == "completed" else sys.stderr)
    return {"completed": 0, "stopped": 130}.get(status, 1)
