"""The Team menu: who you are, claiming images, filters by claim and by last editor, and
the agreement sample.

Every action goes through core (``Project.claim_next``, ``last_editors``...); filters
are shown with the table's own row filter (``AppState.request_rows_filter``), so the
table needs no team code. A refused action is said in the status bar
(``AppState.report_failure``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QInputDialog, QMenu

from vocgui.core.project.claims import DEFAULT_CLAIM_HOURS, MAX_CLAIM_HOURS
from vocgui.core.project.user import current_user, set_user
from vocgui.core.wording import plural
from vocgui.qt.team.agreement_dialog import AgreementDialog
from vocgui.qt.team.sample_labeling import SampleLabelingDialog

if TYPE_CHECKING:
    from vocgui.qt.main_window import MainWindow

#: Where the app keeps the user name it records edits as (QSettings key).
USER_SETTING = "team/user"
#: Where the app keeps how long its claims last, in hours.
HOURS_SETTING = "team/claim_hours"


class TeamMenu:
    """Builds ``menu`` for ``window`` and applies the saved user name."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.window, self.state, self.menu = window, window.state, menu
        saved = window.settings.qsettings.value(USER_SETTING, "")
        if saved:  # a damaged setting leaves the login name, as before it was set
            with contextlib.suppress(ValueError):
                set_user(str(saved))
        self._dialogs: list = []
        self._project_actions = []
        add = self._add
        self.user_action = menu.addAction("", self._ask_user)
        self.hours_action = menu.addAction("", self._ask_hours)
        self._show_user()
        menu.addSeparator()
        add("&Claim Next Unlabeled Images…", self._claim,
            "Take the next unlabeled images nobody has claimed, for a few hours")
        add("&Release My Claims", self._release, "Give back every image you claimed")
        show = menu.addMenu("&Show Images")
        self._project_actions.append(show.menuAction())
        for text, whose in (("Claimed by &Me", "mine"), ("Claimed by &Others", "others"),
                            ("&Unclaimed", "none")):
            self._add(text, lambda w=whose: self._show_claimed(w),
                      f"Show the images {text.replace('&', '').lower()}", show)
        self.editors_menu = show.addMenu("Last &Edited By")
        self.editors_menu.aboutToShow.connect(self._fill_editors)
        menu.addSeparator()
        add("&Add Images to Agreement Sample…", self._add_sample,
            "Choose random images for two annotators to label independently")
        add("&Remove Selected from Agreement Sample", self._remove_sample,
            "Take the selected images out of the sample, with their independent labels")
        add("&Label Agreement Sample…", self._label_sample,
            "Label the sample images on your own, without seeing anyone's labels")
        add("A&greement…", self._agreement,
            "Per-class agreement (Cohen's kappa) and the disagreements to settle")
        self.state.project_changed.connect(self._update_enabled)
        self._update_enabled(self.state.project)

    def _add(self, text: str, slot: Callable[[], object], tip: str,
             menu: QMenu | None = None):
        action = (menu or self.menu).addAction(text)
        what = text.replace("&", "").rstrip("…")
        action.triggered.connect(
            lambda _checked=False: self.state.report_failure(slot, what))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        self._project_actions.append(action)
        return action

    def _update_enabled(self, project) -> None:
        for action in self._project_actions:
            action.setEnabled(project is not None)

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 10_000)

    # --- who you are ---------------------------------------------------------------------
    def _show_user(self) -> None:
        self.user_action.setText(f"User Name: {current_user()}…")
        self.user_action.setStatusTip("The name your edits, claims and agreement labels "
                                      "are recorded as")
        self.hours_action.setText(f"Claim Duration: {self.claim_hours():g} h…")
        self.hours_action.setStatusTip("How long images you claim stay yours")

    def claim_hours(self) -> float:
        """How long a claim from this app lasts (the setting, else the default)."""
        try:
            hours = float(self.window.settings.qsettings.value(HOURS_SETTING,
                                                               DEFAULT_CLAIM_HOURS))
        except (TypeError, ValueError):
            return DEFAULT_CLAIM_HOURS
        return hours if 0 < hours <= MAX_CLAIM_HOURS else DEFAULT_CLAIM_HOURS

    def _ask_hours(self) -> None:
        hours, ok = QInputDialog.getDouble(self.window, "Claim duration",
                                           "A claim lasts (hours):", self.claim_hours(),
                                           0.1, MAX_CLAIM_HOURS, 1)
        if ok:
            self.window.settings.qsettings.setValue(HOURS_SETTING, hours)
            self._show_user()

    def _ask_user(self) -> None:
        name, ok = QInputDialog.getText(self.window, "User name",
                                        "Record my edits, claims and agreement labels as:",
                                        text=current_user())
        if not ok:
            return
        try:
            set_user(name)
        except ValueError as exc:
            self.state.edit_refused.emit(str(exc), False)
            return
        self.window.settings.qsettings.setValue(USER_SETTING, current_user())
        self._show_user()

    # --- claims ----------------------------------------------------------------------------
    def _claim(self) -> None:
        hours = self.claim_hours()
        n, ok = QInputDialog.getInt(self.window, "Claim images",
                                    f"Claim the next unlabeled images for {hours:g} hours. "
                                    "How many?", 20, 1, 100_000)
        if not ok:
            return
        rows = self.state.project.claim_next(n, hours)
        self._say(f"You claimed {plural(len(rows), 'image')}"
                  + ("" if len(rows) == n else " (no more unlabeled images are free)"))
        self._show_claimed("mine")

    def _release(self) -> None:
        self._say(f"Released {plural(self.state.project.release_claims(), 'claim')}")

    def _show_claimed(self, whose: str) -> None:
        rows = self.state.project.claimed_rows(whose)
        caption = {"mine": "claimed by me", "others": "claimed by others",
                   "none": "unclaimed"}[whose]
        self.state.request_rows_filter(rows, caption)

    def _fill_editors(self) -> None:
        self.editors_menu.clear()
        if self.state.project is None:
            return
        editors = self.state.project.last_editors()
        counts = editors[editors != ""].value_counts()
        for who, n in sorted(counts.items()):
            action = self.editors_menu.addAction(f"{who} ({n})")
            action.triggered.connect(lambda _=False, w=who: self._show_editor(w))
        nobody = self.editors_menu.addAction(f"Nobody yet ({int((editors == '').sum())})")
        nobody.triggered.connect(lambda _=False: self._show_editor(""))

    def _show_editor(self, who: str) -> None:
        editors = self.state.project.last_editors().to_numpy(dtype=object)
        self.state.request_rows_filter(np.flatnonzero(editors == who),
                                       f"last edited by {who}" if who else "never edited")

    # --- agreement -------------------------------------------------------------------------
    def _add_sample(self) -> None:
        kinds = {"Any images": None, "Labeled images only": True,
                 "Unlabeled images only": False}
        kind, ok = QInputDialog.getItem(self.window, "Agreement sample",
                                        "Sample from:", list(kinds), 0, False)
        if not ok:
            return
        n, ok = QInputDialog.getInt(self.window, "Agreement sample",
                                    "Add how many random images to the agreement sample?",
                                    20, 1, 100_000)
        if ok:
            added = self.state.project.add_to_agreement(n, kinds[kind])
            self._say(f"Added {plural(len(added), 'image')} to the agreement sample")

    def _remove_sample(self) -> None:
        rows = self.state.edit_rows()
        if len(rows):
            self.state.project.remove_from_agreement(rows)
            self._say(f"Took {plural(len(rows), 'image')} out of the agreement sample "
                      "(with every annotator's labels of them)")

    def _label_sample(self) -> None:
        self._open(SampleLabelingDialog(self.state, self.window))

    def _agreement(self) -> None:
        self._open(AgreementDialog(self.state, self.window))

    def _open(self, dialog) -> None:
        self._dialogs = [d for d in self._dialogs if d.isVisible()]
        self._dialogs.append(dialog)
        dialog.show()
