"""Box renames are announced too ('objects' after the class event), so the viewer redraws
renamed boxes without being asked; a class edit that renames no box sends no such event."""

from __future__ import annotations

from pathlib import Path

from helpers_project import load_dataset

from vocgui.core.project import ChangeEvent, Project


def test_box_renames_send_an_objects_event(voc_sample: Path, tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as project:
        events: list[ChangeEvent] = []
        project.events.connect(events.append)
        name = project.objects["name"].iat[0]
        project.rename_class(name, f"{name} renamed")
        assert [e.kind for e in events] == ["classes", "objects"]
        assert (project.objects["name"] == f"{name} renamed").any()
        events.clear()
        project.add_class("no boxes")
        project.rename_class("no boxes", "still none")
        assert [e.kind for e in events] == ["classes", "classes"]
