"""``vocgui [PATH]`` and ``vocgui --screenshot``: real processes, headless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from vocgui.cli.gui import _size


def run_vocgui(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VOCGUI_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "vocgui", *args], env=env, text=True,
                          capture_output=True, timeout=300)


def test_screenshot_of_a_voc_folder_then_of_the_last_project(voc_sample, tmp_path):
    data_dir = tmp_path / "data"
    out = tmp_path / "shots" / "window.png"
    done = run_vocgui(["--screenshot", str(out), "--screenshot-delay", "0.2",
                       str(voc_sample)], data_dir)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (1366, 768)
        # A real render: many colours, not a blank frame.
        assert len(image.convert("RGB").getcolors(1_000_000) or []) > 100
    # No PATH: the last project opens (remembered in the settings under the data folder).
    again = tmp_path / "again.png"
    done = run_vocgui(["--screenshot", str(again), "--screenshot-delay", "0", "--size",
                       "1024x640"], data_dir)
    assert done.returncode == 0, done.stderr
    assert "voc2012-sample" in done.stderr  # the log line naming the project opened
    with Image.open(again) as image:
        assert image.size == (1024, 640)


def test_a_missing_path_is_a_clear_error(tmp_path):
    done = run_vocgui(["--screenshot", str(tmp_path / "x.png"), str(tmp_path / "nope")],
                      tmp_path / "data")
    assert done.returncode == 2
    assert "nope: no such file or folder" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_broken_project_file_fails_the_screenshot_with_a_message(tmp_path):
    bad = tmp_path / "bad.vocgui"
    bad.write_text("not a project")
    done = run_vocgui(["--screenshot", str(tmp_path / "x.png"), str(bad)], tmp_path / "data")
    assert done.returncode == 1
    assert str(bad) in done.stderr


def test_size_argument():
    assert _size("1366x768") == (1366, 768)
    with pytest.raises(Exception, match="WIDTHxHEIGHT"):
        _size("big")
