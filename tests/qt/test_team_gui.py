"""The Team menu, the agreement-sample labeling dialog and the agreement table, in the
real main window over the real 100-image sample."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from vocgui.core.project import Project
from vocgui.core.project.commands import AddLabel
from vocgui.core.project.user import set_user
from vocgui.qt.team.agreement_dialog import AgreementDialog
from vocgui.qt.team.sample_labeling import SampleLabelingDialog


def test_team_menu_filters_by_last_editor_and_names_the_user(window, monkeypatch) -> None:
    state, team = window.state, window.menus.team
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ann", True))
    team._ask_user()
    assert team.user_action.text() == "User Name: ann…"
    state.project.add_label([3, 4], "a team class")
    set_user("bob")
    state.project.set_review([4, 9], "flagged")
    team._fill_editors()
    texts = [a.text() for a in team.editors_menu.actions()]
    assert texts[:2] == ["ann (1)", "bob (2)"] and texts[2].startswith("Nobody yet (97)")
    team.editors_menu.actions()[1].trigger()
    assert np.flatnonzero(state.visible_mask).tolist() == [4, 9]
    bar = window.table.filter_bar  # the team filters count like every rows filter
    assert bar.rows_caption.text() == "last edited by bob"
    assert bar.count_label.text() == "<b>2</b> of 100 images"
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (5, True))
    team._claim()  # every sample image is labeled: nothing to claim, and it says so
    assert "no more unlabeled images are free" in window.statusBar().currentMessage()
    assert (bar.rows_caption.text(), bar.count_label.text()) == (
        "claimed by me", "<b>0</b> of 100 images")
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (1.5, True))
    team._ask_hours()
    assert team.claim_hours() == 1.5 and team.hours_action.text() == "Claim Duration: 1.5 h…"
    assert window.settings.qsettings.value("team/user") == "ann"
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda *a, **k: ("Labeled images only", True))
    team._add_sample()
    sample = state.project.agreement_labels().rows
    assert len(sample) == 5  # getInt still answers 5
    state.set_selected_rows(sample[:2])
    team._remove_sample()
    assert state.project.agreement_labels().rows.tolist() == sample[2:].tolist()


def test_agreement_is_labeled_blind_then_settled_as_one_undo_step(window, qtbot) -> None:
    state = window.state
    p = state.project
    rows = p.add_to_agreement(3, seed=1).tolist()
    own = p.labels.copy()
    set_user("ann")
    dialog = SampleLabelingDialog(state, window)
    qtbot.addWidget(dialog)
    for k in range(3):
        for i in range(dialog.classes.count()):  # ann ticks the first class, or none
            dialog.classes.item(i).setCheckState(
                Qt.CheckState.Checked if i == 0 and k < 2 else Qt.CheckState.Unchecked)
        dialog.save.click()
    assert "you labeled 3 of 3" in dialog.where.text()
    set_user("bob")
    for row, labels in zip(rows, ([p.classes[0]], [p.classes[1]], []), strict=True):
        p.set_agreement_labels(row, labels)
    assert (p.labels == own).all()

    table = AgreementDialog(state, window)
    qtbot.addWidget(table)
    table.show()
    assert (table.a.currentText(), table.b.currentText()) == ("ann", "bob")
    assert table.classes.rowCount() == len(p.classes) + 1
    first = [table.classes.item(0, j).text() for j in range(6)]
    # ann yes, yes, no; bob yes, no, no: p_o 2/3, p_e 4/9, kappa 0.4
    assert first == [p.classes[0], "1", "1", "0", "1", "0.40"]
    assert table.images.rowCount() == 1 and table.images.item(0, 3).text() == "open"
    table.images.selectRow(0)
    assert state.current_row == rows[1]
    assert table.settle("b")
    assert p.labels_of(rows[1]) == (p.classes[1],)
    assert table.images.item(0, 3).text() == "settled"
    state.undo_stack.undo()
    assert (p.labels == own).all()
    qtbot.waitUntil(lambda: table.images.item(0, 3).text() == "open")


def test_label_next_prefers_my_claims_and_skips_others(window) -> None:
    state, p = window.state, window.state.project
    p.set_labeled(np.arange(10, 20), np.zeros(10, dtype=bool))  # ten images to label
    set_user("bob")
    assert p.claim_next(3).tolist() == [10, 11, 12]
    set_user("ann")
    assert p.claim_next(2).tolist() == [13, 14]
    window.suggestion_actions.label_next()
    assert state.selected_rows.tolist() == [13]
    window.suggestion_actions.label_next()
    assert state.selected_rows.tolist() == [14]
    window.suggestion_actions.label_next()
    assert state.selected_rows.tolist() == [15]  # then unclaimed ones; never bob's
    set_user("bob")
    p.release_claims()
    p.set_labeled(np.arange(13, 20), np.ones(7, dtype=bool))
    set_user("ann")
    p.release_claims()
    set_user("cy")
    p.claim_next(3)
    set_user("ann")
    assert not window.suggestion_actions.label_next()
    assert "claimed by someone else" in window.statusBar().currentMessage()


def test_an_undo_that_leaves_another_users_change_says_so(window) -> None:
    state, p = window.state, window.state.project
    set_user("ann")
    state.push(AddLabel(p, [0, 1], "sofa"))
    set_user("bob")
    p.remove_label([1], "sofa")
    set_user("ann")
    state.undo_stack.undo()
    message = window.statusBar().currentMessage()
    assert message.startswith("Undo left 1 change") and "changed by bob" in message


def test_sample_images_decode_off_the_gui_thread_and_only_the_last_one_shows(
        window, qtbot) -> None:
    state, p = window.state, window.state.project
    rows = p.add_to_agreement(6, seed=2).tolist()
    dialog = SampleLabelingDialog(state, window)
    qtbot.addWidget(dialog)
    dialog.show()
    # The constructor returned before the image was decoded: the dialog says so.
    assert dialog.shown is None and dialog.image.text().startswith("Loading")
    qtbot.waitUntil(lambda: dialog.shown is not None)
    assert dialog.shown.ok and dialog.shown.path == p.absolute_path(rows[0])
    assert not dialog.image.pixmap().isNull()
    qtbot.waitUntil(lambda: dialog.loader.cached(rows[1]) is not None)  # prefetched
    dialog._go(1)
    assert dialog.shown.path == p.absolute_path(rows[1])  # from the cache, at once
    for index in (2, 3, 4, 0):  # quicker than the decodes; image 0 is cached
        dialog._go(index)
    assert dialog.shown.path == p.absolute_path(rows[0])
    qtbot.waitUntil(lambda: dialog.loader.running_count == 0)
    qtbot.wait(50)  # results still queued for the GUI thread are delivered
    assert dialog.current_row == rows[0]
    assert dialog.shown.path == p.absolute_path(rows[0])  # not a late image 2


def test_team_actions_on_a_read_only_project_are_refused_in_the_status_bar(
        window, qtbot, monkeypatch) -> None:
    state = window.state
    state.project.add_to_agreement(2, seed=3)
    state.set_project(Project.open(state.project.path, read_only=True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (5, True))
    [claim] = [a for a in window.menus.team.menu.actions()
               if a.text().startswith("&Claim Next")]
    with qtbot.waitSignal(state.edit_refused) as refused:
        claim.trigger()
    message, needs_action = refused.args
    assert message.startswith("'Claim Next Unlabeled Images' was not made: ")
    assert not needs_action  # expected on a read-only project: said, no dialog
    assert window.statusBar().currentMessage() == message
    dialog = SampleLabelingDialog(state, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(state.edit_refused) as refused:
        dialog.save.click()
    assert refused.args[0].startswith("'Save agreement labels' was not made: ")
    assert dialog.index == 0  # it stays on the image it could not save
