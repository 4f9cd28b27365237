"""``vocgui claim PATH [N] [--hours H] [--release] [--user NAME]``: split the labeling.

With N, claims the next N unlabeled images nobody else holds (for H hours, default 4)
and prints their file names; ``--release`` gives back all of your claims; with neither,
lists who holds how many live claims (read-only, so it works while the app is open).
The user is ``--user``, else ``VOCGUI_USER``, else the login name.
"""

from __future__ import annotations

import argparse

from vocgui.cli.failure import failure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH",
                        help="a vocgui project file, or a VOC folder (its project)")
    parser.add_argument("n", metavar="N", type=int, nargs="?",
                        help="how many unlabeled images to claim (omit to list the claims)")
    parser.add_argument("--hours", type=float, default=None, metavar="H",
                        help="how long the claim lasts (default: 4 hours)")
    parser.add_argument("--release", action="store_true",
                        help="release all of your claims")
    parser.add_argument("--user", metavar="NAME",
                        help="claim as NAME (default: VOCGUI_USER, else the login name)")


_fail = failure("claim")


def run(args: argparse.Namespace) -> int:
    from vocgui.core.project import ProjectError
    from vocgui.core.project.claims import DEFAULT_CLAIM_HOURS
    from vocgui.core.project.location import open_project_for
    from vocgui.core.project.user import current_user, set_user

    try:
        set_user(args.user)
    except ValueError as exc:
        return _fail(str(exc))
    editing = args.n is not None or args.release
    try:
        project = open_project_for(args.path, read_only=not editing)
    except (ProjectError, OSError) as exc:
        return _fail(str(exc))
    with project:
        try:
            if args.release:
                print(f"released {project.release_claims()} claims of {current_user()}")
            if args.n is not None:
                rows = project.claim_next(args.n, args.hours or DEFAULT_CLAIM_HOURS)
                names = project.images["filename"].to_numpy(dtype=object)[rows]
                print(f"{current_user()} claimed {len(rows)} unlabeled images"
                      + ("" if len(rows) == args.n else " (no more are free)"))
                for name in names:
                    print(f"  {name}")
        except (ProjectError, ValueError) as exc:
            return _fail(str(exc))
        if not editing:
            claims = project.claims()
            if claims.empty:
                print("no live claims")
            for who, mine in claims.groupby("who"):
                until = mine["expires"].max()
                print(f"{who}: {len(mine)} images, until {until:%Y-%m-%d %H:%M} UTC")
    return 0
