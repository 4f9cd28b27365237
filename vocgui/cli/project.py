"""``vocgui project copy SRC DST``: copy a whole project between a file and a PostgreSQL
database (either way, or file to file), losslessly: see :mod:`vocgui.core.project.copying`.

SRC is a project file, a VOC folder (its project, made first if it has none), or a
``postgresql://`` URL; DST a new
project file or a URL of a database holding no project yet. Putting a project on a
server is ``vocgui project copy my.vocgui postgresql://host/db`` (then every annotator
opens the URL); taking it back is the same with the two swapped.
Exit code: 0 copied, 2 refused (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = sub.add_parser("copy", help="copy a whole project to a new file or an empty "
                                       "PostgreSQL database",
                          description="Copy every table of a project (images, objects, "
                                      "classes, labels, review states, edit log, runs, "
                                      "predictions, hashes) and its run files.")
    copy.add_argument("source", metavar="SRC",
                      help="project file, VOC folder with a project, or postgresql:// URL")
    copy.add_argument("target", metavar="DST",
                      help="new project file, or postgresql:// URL of an empty database")


def run(args: argparse.Namespace) -> int:
    # Imported here: the store is not for --help.
    from vocgui.core.project import ProjectError
    from vocgui.core.project.copying import copy_project
    from vocgui.core.project.location import open_project_for, project_path_for
    from vocgui.core.project.team_url import is_team_url, shown_location

    source = args.source if is_team_url(args.source) else project_path_for(args.source)
    try:
        if not is_team_url(source) and Path(args.source).is_dir():
            open_project_for(args.source).close()  # a VOC folder's project, made if new
        report = copy_project(source, args.target)
    except (ProjectError, OSError) as exc:
        print(f"vocgui project copy: {exc}", file=sys.stderr)
        return 2
    print(f"{shown_location(args.target)}: {report.text()}")
    return 0
