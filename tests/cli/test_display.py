"""No display, or no X11 libraries: the app says what to do instead of Qt aborting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from vocgui.qt.display import display_problem


def _all(_soname: str) -> bool:
    return True


def test_no_display_says_start_a_desktop_session_or_use_offscreen():
    problem = display_problem({}, "linux", _all)
    assert "no display" in problem and "desktop session" in problem
    assert "QT_QPA_PLATFORM=offscreen" in problem


def test_headless_platforms_and_other_systems_need_no_display():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", _all) is None
    assert display_problem({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux", _all) is None
    assert display_problem({}, "darwin", _all) is None
    assert display_problem({}, "win32", _all) is None


def test_a_missing_x11_library_is_named_with_its_package():
    missing = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    problem = display_problem({"DISPLAY": ":0"}, "linux", lambda s: s not in missing)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 " in problem
    assert display_problem({"DISPLAY": ":0"}, "linux", _all) is None
    # Wayland does not use the xcb libraries.
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", lambda s: False) is None
    assert display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb",
                            "WAYLAND_DISPLAY": "w"}, "linux", lambda s: False) is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux display check")
def test_vocgui_without_a_display_exits_with_the_message(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["VOCGUI_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "vocgui"], env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "no display" in done.stderr and "Aborted" not in done.stderr
    assert not any(tmp_path.iterdir())  # nothing was started, nothing written
