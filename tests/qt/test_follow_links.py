"""The app follows links out of a dataset only when the user allows it (vocgui
--follow-links), and says so either way (issue 10, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from main_window_helpers import LOAD_TIMEOUT_MS, use_private_data_dir
from PIL import Image

from vocgui.cli.gui import add_arguments
from vocgui.qt.loading import ProjectLoader


def write_voc(root: Path, name: str, label: str, with_image: bool) -> Path:
    """A VOC root with one annotation ``name``.xml labelled ``label`` (and its JPEG)."""
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    (root / "Annotations" / f"{name}.xml").write_text(
        f"<annotation><filename>{name}.jpg</filename><object><name>{label}</name>"
        "</object></annotation>")
    if with_image:
        Image.new("RGB", (40, 30)).save(root / "JPEGImages" / f"{name}.jpg")
    return root


@pytest.mark.parametrize("allowed", [False, True], ids=["refused", "allowed"])
def test_the_loader_follows_outside_links_only_when_allowed(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, allowed: bool) -> None:
    use_private_data_dir(tmp_path, monkeypatch)
    outside = write_voc(tmp_path / "elsewhere", "secret", "secret", with_image=False)
    root = write_voc(tmp_path / "voc", "good", "dog", with_image=True)
    (root / "Annotations" / "linked.xml").symlink_to(outside / "Annotations" / "secret.xml")
    loader = ProjectLoader()
    loader.follow_links = allowed
    with qtbot.waitSignal(loader.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        assert loader.start_loading(root)
    loader.wait()
    with loaded.args[0] as project:
        assert ("secret" in project.classes) is allowed
        [link] = [p for p in project.problems if p.kind == "outside_link"]
        assert link.file.endswith("linked.xml")
        assert ("followed" if allowed else "--follow-links") in link.message


def test_the_app_takes_a_follow_links_option() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args(["--follow-links", "x"]).follow_links is True
    assert parser.parse_args(["x"]).follow_links is False
