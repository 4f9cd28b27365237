"""Two app states on one team project (a real PostgreSQL server): an edit pushed in one
reaches the other as the same ChangeEvent, on its GUI thread, within a second; a server
that stops is said in the status bar and edits are refused, and it reconnects by itself."""

from __future__ import annotations

import time

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel
from vocgui.qt.app_state import AppState


def test_an_edit_in_one_window_shows_in_the_other(qtbot, pg_url, demo_root):
    Project.create_from_voc(pg_url, demo_root, workers=1).close()
    ann, bob = AppState(), AppState()
    ann.set_project(Project.open(pg_url))
    bob.set_project(Project.open(pg_url))
    try:
        assert bob._listener.listening.wait(10)
        start = time.perf_counter()
        with qtbot.waitSignal(bob.changed, timeout=2000) as seen:
            assert ann.push(AddLabel(ann.project, [1, 2], "zebra"))
        assert time.perf_counter() - start < 1.0
        assert seen.args[0].kind == "classes"  # a new class: every app's views follow
        assert bob.project.classes == ann.project.classes
        assert bob.project.labels_of(2) == ann.project.labels_of(2)
    finally:
        ann.set_project(None)
        bob.set_project(None)
