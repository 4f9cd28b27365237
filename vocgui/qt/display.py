"""Whether the desktop app can show a window here, checked before Qt starts.

Without a display Qt aborts the process with a misleading hint ("xcb-cursor0 is
needed"), and a missing X11 library aborts it the same way; :func:`display_problem` finds
both first and says what to do. Imports no PySide6: it runs before Qt is loaded.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: The libraries Qt's X11 (xcb) platform loads beyond a minimal system's, each with the
#: Debian/Ubuntu package that provides it.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
}
#: Platforms that need no display server (screenshots, tests, remote framebuffers).
_HEADLESS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
_OFFSCREEN_HINT = ("for a screenshot without a display, run it as "
                   "'QT_QPA_PLATFORM=offscreen vocgui --screenshot OUT.png [PATH]'")


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                    loadable: Callable[[str], bool] = _loadable) -> str | None:
    """Why the app cannot open a window here, with what to do; None when it can."""
    if not platform.startswith("linux"):
        return None
    requested = {p.strip() for p in environ.get("QT_QPA_PLATFORM", "").split(";") if p}
    if requested and {p.split(":")[0] for p in requested} <= _HEADLESS:
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return ("vocgui: there is no display to show the window on (neither DISPLAY nor "
                "WAYLAND_DISPLAY is set). Start vocgui from a desktop session (or over "
                f"'ssh -X'); {_OFFSCREEN_HINT}.")
    uses_xcb = "xcb" in requested or (not requested and not environ.get("WAYLAND_DISPLAY"))
    missing = [pkg for soname, pkg in XCB_LIBRARIES.items()
               if uses_xcb and not loadable(soname)]
    if missing:
        return ("vocgui: Qt's X11 platform needs system libraries this machine lacks. "
                f"On Debian or Ubuntu: sudo apt-get install {' '.join(missing)} "
                f"(other systems: the packages with the same libraries); {_OFFSCREEN_HINT}.")
    return None
