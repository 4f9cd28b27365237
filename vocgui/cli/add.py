"""``vocgui add PROJECT FOLDER``: add a folder of images to an existing project.

PROJECT is a project file (.vocgui), the VOC folder a project was made for (found
where the app keeps it, :mod:`vocgui.core.project.location`) or a team project's
``postgresql://`` URL. FOLDER is loaded like any source
(a plain folder of images, searched recursively, or a VOC root): images without an
annotation arrive unlabeled. Files already in the project are skipped and counted.
Exit code: 0 done (also when everything was there already), 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vocgui.cli.failure import failure

_fail = failure("add")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT",
                        help="project file (.vocgui) or the VOC folder it was made for")
    parser.add_argument("folder", metavar="FOLDER",
                        help="folder of images (searched recursively) or a VOC root")
    parser.add_argument("--images", metavar="DIR",
                        help="images folder, when FOLDER is an annotations folder")


def run(args: argparse.Namespace) -> int:
    # Imported here: numpy and pandas are not for --help.
    from vocgui.core.project import ProjectError
    from vocgui.core.project.location import open_project_for
    from vocgui.core.project.team_url import shown_location
    from vocgui.core.voc import load_voc
    from vocgui.core.wording import plural

    folder = Path(args.folder)
    if not folder.is_dir():
        return _fail(f"{folder} is not a folder")
    dataset = load_voc(folder, images_dir=args.images)
    if dataset.images.empty:
        reasons = "; ".join(f"{p.file}: {p.message}" for p in dataset.problems[:3])
        return _fail(f"no images found in {folder} ({reasons})")
    try:
        project = open_project_for(args.project)
    except (ProjectError, OSError, ValueError) as exc:
        return _fail(exc)
    with project:
        try:
            added = project.add_images(dataset)
        except ProjectError as exc:
            return _fail(exc)
        print(f"{shown_location(project.location)}: {added.report()}; the project now has "
              f"{plural(len(project.images), 'image')}, {project.n_unlabeled:,} of them "
              "unlabeled")
    return 0
