"""Starting the desktop app: the QApplication, the main window, and the headless modes
(``--screenshot`` renders the window to a PNG; ``--benchmark-startup`` reports when the
window first showed data) used by the README and the benchmarks.

The palette is left to the platform, so the app follows the system's light/dark scheme;
no widget hard-codes a colour except the class colours.
"""

from __future__ import annotations

import logging
import sys
import time
from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QSize, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import vocgui
from vocgui.qt.app_state import AppState
from vocgui.qt.main_window import MainWindow
from vocgui.qt.settings import Settings

log = logging.getLogger(__name__)

#: The app icon, shipped inside the package (see pyproject's package-data).
ICON = files("vocgui.qt").joinpath("resources", "vocgui.svg")
#: Window size for screenshots: a common small laptop screen.
SCREENSHOT_SIZE = QSize(1366, 768)


#: Qt messages that say nothing a user can act on (the offscreen platform cannot pass size
#: hints to a window manager it does not have).
_MUTED_QT_MESSAGES = ("does not support propagateSizeHints",)


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if any(muted in message for muted in _MUTED_QT_MESSAGES):
        return
    if mode != QtMsgType.QtDebugMsg:
        print(message, file=sys.stderr)


def quiet_logging() -> None:
    """vocgui's own INFO lines go to the terminal; other libraries' (matplotlib's font
    cache, ...) only from WARNING up, and Qt's idle platform notes not at all."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("vocgui").setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created once), named and with the app icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("vocgui")
    app.setOrganizationName("vocgui")
    app.setApplicationDisplayName("vocgui")
    app.setApplicationVersion(vocgui.__version__)
    app.setDesktopFileName("vocgui")
    with as_file(ICON) as icon_path:  # a real file for an installed package
        app.setWindowIcon(QIcon(str(icon_path)))
    return app


def startup_target(path: Path | str | None, settings: Settings) -> Path | str | None:
    """What to open: ``path``, else the last project, else None (the demo dataset)."""
    return path if path is not None else settings.last_project()


def run_app(path: Path | str | None = None, *, screenshot: Path | None = None,
            size: QSize | None = None, screenshot_delay_s: float = 1.0,
            benchmark_startup: bool = False, tab: str | None = None,
            read_only: bool = False, follow_links: bool = False) -> int:
    """Run the app until the window closes (or, headless, until the screenshot is saved or
    the startup time reported); returns the process exit code."""
    quiet_logging()
    app = create_application()
    state = AppState()
    settings = Settings()
    window = MainWindow(state, settings)
    headless = screenshot is not None or benchmark_startup
    if size is not None or screenshot is not None:
        window.resize(size or SCREENSHOT_SIZE)
    failed = False

    def fail(message: str) -> None:
        nonlocal failed
        print(f"vocgui: {message}", file=sys.stderr)
        failed = True
        app.exit(1)

    def save_screenshot() -> None:
        assert screenshot is not None
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(screenshot)):
            fail(f"could not write the screenshot {screenshot}")
            return
        print(f"screenshot saved to {screenshot}")
        app.exit(0)

    def report_startup() -> None:
        # Printed once the event loop has painted the window with its data.
        print(f"VOCGUI_READY {time.time():.6f}")
        print(f"tensorflow_imported={'tensorflow' in sys.modules}")
        app.exit(0)

    if screenshot is not None:
        window.project_opened.connect(
            lambda _p: QTimer.singleShot(int(screenshot_delay_s * 1000), save_screenshot))
    elif benchmark_startup:
        window.project_opened.connect(lambda _p: QTimer.singleShot(0, report_startup))
    if headless:
        window.open_failed.connect(fail)
    window.show()
    # After show(): a tab lays out its split from the window's real width.
    if tab is not None and not window.show_tab(tab):
        fail(f"no tab named {tab!r}")
        return 1
    window.loader.follow_links = follow_links
    window.open_path(startup_target(path, settings), read_only=read_only)
    code = app.exec()
    window.close()
    return 1 if failed else code
