"""The main window: the image table on the left, the viewer and the tag editor on the right,
the Problems panel (and the panels added with ``add_panel``) docked at the bottom.

Opening runs off the GUI thread (``ProjectLoader``); the status bar shows its progress
and a Cancel button. Every edit is saved by the core as it happens, so there is no Save.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QWidget,
)

from vocgui.core.project import ChangeEvent, Project, ProjectLockedError
from vocgui.core.project.location import data_dir, demo_paths, project_path_for
from vocgui.core.project.team_url import display_url, is_team_url, shown_location
from vocgui.core.wording import plural
from vocgui.qt.app_state import AppState
from vocgui.qt.classes import ClassManagerDialog
from vocgui.qt.lazy_tabs import add_lazy_tab
from vocgui.qt.loading import ProjectLoader, is_openable
from vocgui.qt.main_menus import MainMenus
from vocgui.qt.problems_panel import ProblemsPanel
from vocgui.qt.settings import Settings
from vocgui.qt.shortcuts import KeyboardEditor
from vocgui.qt.suggestions import SuggestionActions, SuggestionSource
from vocgui.qt.table import ImageTablePanel
from vocgui.qt.tags import TagEditor
from vocgui.qt.thumbnails import ThumbnailGrid
from vocgui.qt.viewer import ImageViewer

if TYPE_CHECKING:
    from vocgui.qt.charts import DatasetChartsPanel
    from vocgui.qt.review import ReviewPanel
    from vocgui.qt.training import TrainingPanel

log = logging.getLogger(__name__)

#: Fits a 1366x768 screen with room for the task bar.
DEFAULT_SIZE = QSize(1280, 720)


def project_title(project: Project) -> str:
    """The name a user knows the project by: its dataset folder for projects the app made
    for a VOC folder, else the project file's name."""
    if project.is_team:
        return f"{Path(project.path).stem.rsplit('-', 1)[0]} (team)"
    path = Path(project.path)
    if data_dir() in path.parents and project.roots:
        return Path(project.roots[0]).name
    return path.stem


def project_source(project: Project) -> str:
    """What the user opened: the dataset folder(s) for a project the app keeps in its data
    folder, else the project file."""
    if project.is_team:
        return display_url(project.location)
    path = Path(project.path)
    if data_dir() in path.parents and project.roots:
        return " + ".join(project.roots)
    return str(path)


class MainWindow(QMainWindow):
    """The app's window over ``state``; see the module docstring."""

    #: A project finished opening and is shown (argument: the Project).
    project_opened = Signal(object)
    #: Opening failed or was cancelled (argument: message for the user).
    open_failed = Signal(str)

    def __init__(self, state: AppState, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings or Settings()
        self.loader = ProjectLoader(self)
        self._closing = False
        self._training_in_background = False  # the window closed; a run goes on
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)

        self.table = ImageTablePanel(state, self)
        self.thumbnails: ThumbnailGrid | None = None
        self.table.add_view("Thumbnails", self._make_thumbnails)
        self.viewer = ImageViewer(state, self)
        self.tag_editor = TagEditor(state, self)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.viewer)
        right.addWidget(self.tag_editor)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([330, 330])
        # The big views share the left side in tabs, so the viewer and the tag editor stay
        # in sight whichever is open: an image picked in the review gallery is fixed there.
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, "Images")
        self.charts: DatasetChartsPanel | None = None
        self.training: TrainingPanel | None = None
        self.review: ReviewPanel | None = None
        add_lazy_tab(self.tabs, "Dataset", self._make_charts)
        add_lazy_tab(self.tabs, "Training", self._make_training)
        add_lazy_tab(self.tabs, "Review", self._make_review)
        add_lazy_tab(self.tabs, "Map", self._make_map)
        add_lazy_tab(self.tabs, "Duplicates", self._make_duplicates)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 560])  # the table first; the viewer keeps ~40%
        self.setCentralWidget(self.splitter)
        # Each tab keeps its own split: the charts, training and review views start wide
        # with the viewer narrow beside them.
        self._tab_sizes: dict[int, list[int]] = {}
        self._tab_index = 0
        self.tabs.currentChanged.connect(self._tab_changed)

        self.keyboard = KeyboardEditor(state, self.settings.class_keys(),
                                       lambda: self.table.move_current(1), self)
        self.keyboard.install(self.table.view)
        self.keyboard.install(self.viewer)
        self.tag_editor.set_class_keys(self.settings.class_keys())
        # Previous/Next follow the table's sorted, filtered order.
        self.viewer.next_requested.connect(lambda: self.table.move_current(1))
        self.viewer.previous_requested.connect(lambda: self.table.move_current(-1))
        # A chart bar or a review cell asking for a filter shows its result.
        state.class_filter_requested.connect(self.show_images)
        state.rows_filter_requested.connect(self.show_images)

        self.problems = ProblemsPanel(state, self)
        self.panels: list[QDockWidget] = []
        self.menus = MainMenus(self)
        self.problems_dock = self.add_panel("Problems", self.problems)
        # Bottom panels start low so the table and the image keep most of the height.
        self.resizeDocks([self.problems_dock], [140], Qt.Orientation.Vertical)
        self._build_status_bar()
        # The model's suggestions beside the tags, in the table and as Label next.
        self.suggestions = SuggestionSource(state, self)
        self.suggestion_actions = SuggestionActions(self)

        self.loader.progress.connect(self._load_progress)
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._load_failed)
        self.loader.cancelled.connect(self._load_cancelled)
        self.loader.finished.connect(self._load_finished)
        state.project_changed.connect(self._project_changed)
        state.changed.connect(self._data_changed)
        state.edit_refused.connect(self._edit_refused)
        state.team_status.connect(self._team_status)
        self._project_changed(state.project)
        self.resize(self._default_size())

    # --- public API --------------------------------------------------------------------
    def add_panel(self, title: str, widget: QWidget) -> QDockWidget:
        """Dock ``widget`` at the bottom, tabified with the other panels; View menu toggle."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel_{title}")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if self.panels:
            self.tabifyDockWidget(self.panels[0], dock)
        self.panels.append(dock)
        self.menus.add_panel_toggle(dock)
        return dock

    def _tab_changed(self, index: int) -> None:
        self._tab_sizes[self._tab_index] = self.splitter.sizes()
        self._tab_index = index
        total = sum(self.splitter.sizes())
        viewer_width = min(420, total // 3)  # tabs other than Images start wide
        self.splitter.setSizes(self._tab_sizes.get(index, [total - viewer_width, viewer_width]))

    def show_images(self) -> None:
        """Bring the image table to the front (after a view asked for a filter)."""
        self.tabs.setCurrentWidget(self.table)

    def show_tab(self, title: str) -> bool:
        """Bring the tab titled ``title`` (Images, Dataset, Training, Review) to the front."""
        titles = [self.tabs.tabText(i).lower() for i in range(self.tabs.count())]
        if title.lower() not in titles:
            return False
        self.tabs.setCurrentIndex(titles.index(title.lower()))
        return True

    def open_path(self, target: Path | str | None, read_only: bool = False) -> bool:
        """Open a VOC folder, a project file or a team project's postgresql:// URL (None:
        the demo dataset) in the background;
        ``read_only`` takes no lock and refuses every edit (see ``AppState.push``)."""
        if self.loader.isRunning():
            self.statusBar().showMessage("Still opening the previous project…", 4000)
            return False
        if self._is_open(target):
            # Opening it again would fail on the project's own lock.
            self.statusBar().showMessage("That project is already open", 4000)
            return False
        what = "the demo dataset" if target is None else shown_location(target)
        self.status_label.setText(f"Opening {what}…")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        return self.loader.start_loading(target, read_only)

    # The big views are imported when first shown: matplotlib's Qt canvas and
    # scikit-learn would add about a second to every start-up.
    def _make_charts(self) -> DatasetChartsPanel:
        from vocgui.qt.charts import DatasetChartsPanel

        self.charts = DatasetChartsPanel(self.state)
        return self.charts

    def _make_training(self) -> TrainingPanel:
        from vocgui.qt.training import TrainingPanel

        self.training = TrainingPanel(self.state)
        return self.training

    def _make_review(self) -> ReviewPanel:
        from vocgui.qt.review import ReviewPanel

        self.review = ReviewPanel(self.state)
        return self.review

    def find_similar(self) -> None:
        """Show the images nearest to the current one (Edit > Find Similar Images)."""
        from vocgui.qt.similar_view import SimilarDialog

        if self.state.project is not None and self.state.current_row >= 0:
            SimilarDialog(self.state, self.state.current_row, self).show()

    def _make_map(self) -> QWidget:
        from vocgui.qt.map import MapPanel

        self.map = MapPanel(self.state)
        return self.map

    def _make_duplicates(self) -> QWidget:
        from vocgui.qt.duplicates import DuplicatesPanel

        self.duplicates = DuplicatesPanel(self.state)
        return self.duplicates

    def _make_thumbnails(self) -> ThumbnailGrid:
        self.thumbnails = ThumbnailGrid(self.state)
        self.keyboard.install(self.thumbnails)
        return self.thumbnails

    def _is_open(self, target: Path | None) -> bool:
        project = self.state.project
        if project is None:
            return False
        if project.is_team or is_team_url(target):
            return is_team_url(target) and display_url(target) == display_url(
                project.location)
        open_path = Path(project.path).resolve()
        if target is None:
            return open_path == demo_paths()[1].resolve()
        return project_path_for(target).resolve() == open_path

    def open_class_manager(self) -> None:
        if self.state.project is not None:
            dialog = ClassManagerDialog(self.state, self)
            # Deleted on close: kept, every dialog ever opened went on reloading its list
            # on every edit.
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.exec()

    # --- loading -----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel("No project open")
        self.progress_bar = QProgressBar(maximumWidth=220, textVisible=True)
        self.cancel_button = QPushButton("Cancel", toolTip="Stop opening; nothing is changed")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self.saved_label = QLabel()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.saved_label)
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status_label.setText("Cancelling…")
        self.loader.cancel()

    @Slot(int, int, str)
    def _load_progress(self, done: int, total: int, what: str) -> None:
        self.progress_bar.setRange(0, max(total, 0))
        self.progress_bar.setValue(done)
        self.status_label.setText(f"{what}: {done:,} of {total:,}" if total else f"{what}…")

    @Slot(object)
    def _loaded(self, project: Project) -> None:
        if self._closing:  # the window closed while this was on its way
            project.close()
            return
        self.state.set_project(project)
        self.settings.add_recent(project.location if project.is_team else Path(project.path),
                                 project_source(project))
        self.menus.update_recent()
        self.project_opened.emit(project)

    @Slot(str)
    def _load_failed(self, message: str) -> None:
        self.status_label.setText("Could not open the project (see the message)")
        box = QMessageBox(QMessageBox.Icon.Critical, "Could not open", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if isinstance(self.loader.error, ProjectLockedError):
            target = self.loader.target
            button = box.addButton("Open Read-Only", QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda: self.open_path(target, read_only=True))
        box.open()  # not exec(): the window keeps running (and headless runs never hang)
        self.open_failed.emit(message)

    @Slot()
    def _load_cancelled(self) -> None:
        self.status_label.setText("Opening cancelled")
        self.open_failed.emit("cancelled")

    @Slot()
    def _load_finished(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _project_changed(self, project: Project | None) -> None:
        if project is None:
            self.setWindowTitle("vocgui")
            self.status_label.setText("No project open: File > Open Folder, or drop a folder here")
        else:
            read_only = " (read-only)" if project.read_only else ""
            self.setWindowTitle(f"{project_title(project)}{read_only} — vocgui")
            self.setWindowFilePath("" if project.is_team else str(project.path))
            # The Problems panel takes room only when there is something in it (View menu
            # shows it either way).
            self.problems_dock.setVisible(len(project.problems) > 0)
            self._show_summary(project)
            self.status_label.setToolTip(f"Project: {project_source(project)}"
                                         if project.is_team else f"Project file: {project.path}")
        if project is not None and project.read_only:
            self.saved_label.setText("Read-only: edits are refused")
            self.saved_label.setToolTip("Opened read-only (another process may be editing "
                                        "it); open it again normally to edit.")
        elif project is not None and project.is_team:
            self._team_status(True, "")
        else:
            self.saved_label.setText("Edits are saved as you make them")
            self.saved_label.setToolTip("Every edit is written to the project file at once; "
                                        "Ctrl+Z undoes it.")
        self.menus.update_classes()
        self.menus.update_enabled()

    def _team_status(self, online: bool, reason: str) -> None:
        """A team project's server: shared and live, or unreachable (edits refused until
        it is back; the listener reconnects by itself and then re-reads everything)."""
        if online:
            self.saved_label.setText("Team project: edits are saved and shared live")
            self.saved_label.setToolTip("Every edit is committed to the server at once and "
                                        "reaches every open app within a second.")
        else:
            self.saved_label.setText("Server unreachable: edits are refused")
            self.saved_label.setToolTip(f"{reason}\nReconnecting by itself; nothing is "
                                        "queued, so nothing can be lost meanwhile.")
            self.statusBar().showMessage(f"The team project's server cannot be reached "
                                         f"({reason}); edits are refused until it is back",
                                         15_000)

    def _edit_refused(self, message: str, needs_action: bool) -> None:
        """Every failed edit is said in the status bar; one the user must act on (a full
        disk, a file that became read-only) also in a dialog."""
        self.statusBar().showMessage(message, 15_000)
        if needs_action:
            box = QMessageBox(QMessageBox.Icon.Warning, "The edit was not saved", message,
                              QMessageBox.StandardButton.Ok, self)
            box.setInformativeText("Nothing was changed; the labels are as they were.")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): a key press or a menu may be mid-way

    def _show_summary(self, project: Project) -> None:
        """The status bar's line about the open project (its counts follow every edit)."""
        read_only = " (read-only)" if project.read_only else ""
        self.status_label.setText(
            f"{project_title(project)}{read_only}: {plural(len(project.images), 'image')}, "
            f"{plural(len(project.classes), 'class')}, "
            f"{plural(len(project.problems), 'problem')}")

    def _data_changed(self, event: ChangeEvent) -> None:
        if event.kind == "classes" and self.state.project is not None:
            # Edit > Toggle Class names the first ten classes; the status bar counts them.
            self.menus.update_classes()
            self._show_summary(self.state.project)

    def ask_about_running_training(self) -> str:
        """When a run is training, ask what quitting should do: 'stop' it, keep it
        training in the 'background' (headless, recorded as usual) or 'cancel' quitting.
        Without a run: 'stop' (nothing to ask)."""
        if self.training is None or self.training.session is None:
            return "stop"
        run_id = self.training.session.run_id
        box = QMessageBox(QMessageBox.Icon.Question, "A run is training",
                          f"Run {run_id} is still training. What should quitting do?",
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText("In the background, the window closes and the run goes on "
                               "without it; its epochs, model and predictions are saved in "
                               "the project as usual, and vocgui exits when it ends.")
        stop = box.addButton("Stop the Run and Quit", QMessageBox.ButtonRole.DestructiveRole)
        background = box.addButton("Keep Training in the Background",
                                   QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "stop" if clicked is stop else "background" if clicked is background \
            else "cancel"

    def _close_after_run(self, *_finished: object) -> None:
        self._training_in_background = False
        QTimer.singleShot(0, self.close)

    # --- window events -----------------------------------------------------------------
    def _default_size(self) -> QSize:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return DEFAULT_SIZE
        available = screen.availableSize()
        return DEFAULT_SIZE.boundedTo(QSize(available.width() - 40, available.height() - 40))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_path(path)

    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = Path(urls[0].toLocalFile())
        return path if is_openable(path) else None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._training_in_background:
            event.ignore()  # already closing as soon as the run ends
            return
        choice = self.ask_about_running_training()
        if choice == "cancel":
            event.ignore()
            return
        if choice == "background":
            # The window goes; the process stays to record the run, and quits after it.
            event.ignore()
            self._training_in_background = True
            self.hide()
            self.training.run_finished.connect(self._close_after_run)
            return
        self._closing = True
        if self.loader.isRunning():
            self.loader.cancel()
            self.loader.wait()
        if self.training is not None:
            self.training.shutdown()  # stops a run cleanly before the project closes
        self.state.set_project(None)  # closes the project file and releases its lock
        super().closeEvent(event)
