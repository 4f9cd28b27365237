"""The agreement sample: independent labels per annotator, Cohen's kappa per class
(checked against hand-computed values and scikit-learn), and settling as one undo step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset
from sklearn.metrics import cohen_kappa_score

from vocgui.core.evaluation.agreement import (
    agreement_report,
    cohen_kappa,
    kappa_text,
    report_lines,
)
from vocgui.core.project import Project
from vocgui.core.project.agreement_commands import SettleAgreement
from vocgui.core.project.commands import UndoStack
from vocgui.core.project.user import set_user


def test_kappa_matches_hand_computed_values_and_sklearn() -> None:
    # 10 images: both yes 4, only A 1, only B 2, both no 3.
    # p_o = 0.7; p_A = 0.5, p_B = 0.6; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4.
    a = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    b = np.array([1, 1, 1, 1, 0, 1, 1, 0, 0, 0], dtype=bool)
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    rng = np.random.default_rng(1)
    for _ in range(5):
        x, y = rng.random(30) < 0.4, rng.random(30) < 0.5
        assert cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y))
    none = np.zeros(8, dtype=bool)
    assert cohen_kappa(none, none) is None and kappa_text(None) == "n/a"
    assert cohen_kappa(~none, ~none) is None and cohen_kappa(none[:0], none[:0]) is None
    assert cohen_kappa(none, ~none) == pytest.approx(0.0)
    assert kappa_text(0.4) == "0.40"


def test_two_annotators_label_the_sample_independently_and_settle(voc_sample: Path,
                                                                 tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample)) as p:
        own = p.labels.copy()
        sample = p.add_to_agreement(4, labeled=True, seed=3)
        assert len(sample) == 4 and len(p.add_to_agreement(200)) == 96  # the rest
        p.remove_from_agreement(np.setdiff1d(np.arange(100), sample))
        with pytest.raises(ValueError, match="needs labels from two annotators"):
            agreement_report(p.agreement_labels())
        r0, r1, r2, r3 = sample.tolist()
        set_user("ann")
        for row, labels in ((r0, ["dog"]), (r1, ["cat", "person"]), (r2, []),
                            (r3, ["person"])):
            p.set_agreement_labels(row, labels)
        set_user("bob")
        for row, labels in ((r0, ["dog"]), (r1, ["person"]), (r2, [])):
            p.set_agreement_labels(row, labels)
        p.set_agreement_labels(r1, ["person", "dog"])  # bob changes his mind: replaced
        with pytest.raises(ValueError, match="not in the agreement sample"):
            p.set_agreement_labels(int(np.setdiff1d(np.arange(100), sample)[0]), [])
        with pytest.raises(KeyError, match="no class named"):
            p.set_agreement_labels(r0, ["unicorn"])
        assert (p.labels == own).all()  # the images' own labels are untouched

        report = agreement_report(p.agreement_labels())
        assert (report.a, report.b, report.n_images) == ("ann", "bob", 3)  # r3: ann only
        by_name = {c.name: c for c in report.per_class}
        assert (by_name["dog"].both_yes, by_name["dog"].only_b, by_name["dog"].both_no) == \
            (1, 1, 1)
        assert (by_name["cat"].only_a, by_name["cat"].both_no) == (1, 2)
        assert by_name["person"].kappa == pytest.approx(1.0)
        assert by_name["cow"].kappa is None  # both said absent everywhere: n/a
        assert report.overall.only_a + report.overall.only_b == 2
        (d,) = report.disagreements
        assert (d.row, d.only_a, d.only_b, d.settled) == (r1, ("cat",), ("dog",), False)
        assert "n/a" in "\n".join(report_lines(report))
        assert "1 images disagree, 1 not settled" in report_lines(report)[-1]

        stack = UndoStack()
        stack.push(SettleAgreement(p, r1, ["person", "cat"]))
        assert p.labels_of(r1) == ("cat", "person")
        assert agreement_report(p.agreement_labels()).disagreements[0].settled
        stack.undo()
        assert (p.labels == own).all()
        assert not agreement_report(p.agreement_labels()).disagreements[0].settled
        p.rename_class("dog", "hound")  # independent labels follow a rename
        assert "hound" in agreement_report(p.agreement_labels()).disagreements[0].only_b
