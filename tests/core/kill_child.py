"""Child process of test_kill.py: edits a project forever, printing each committed edit.

Usage: python kill_child.py PROJECT FIRST_EDIT. Edit i (see ``apply_edit``) is printed as
``i`` only after the edit method returned, i.e. after its transaction committed.
"""

from __future__ import annotations

import sys

from vocgui.core.project import Project


def apply_edit(project: Project, i: int) -> None:
    """Edit number ``i``: a label edit or a review edit of row i % n, both idempotent."""
    row = i % len(project.images)
    if i % 2 == 0:
        project.set_labels([row], [f"k{i % 13}"])
    else:
        project.set_review([row], "flagged" if i % 4 == 1 else "reviewed", note=str(i))


def main() -> None:
    project = Project.open(sys.argv[1])
    i = int(sys.argv[2])
    while True:
        apply_edit(project, i)
        print(i, flush=True)
        i += 1


if __name__ == "__main__":
    main()
