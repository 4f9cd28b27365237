"""``vocgui claim`` and ``vocgui agreement`` on a real project of the sample JPEGs."""

from __future__ import annotations

import sys
from pathlib import Path

from vocgui.cli.main import main
from vocgui.core.project import Project
from vocgui.core.project.user import set_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from helpers_project import load_dataset  # noqa: E402


def test_claim_and_agreement_commands(voc_sample: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.vocgui"
    with Project.create(path, load_dataset(voc_sample / "JPEGImages")) as p:
        names = p.images["filename"].tolist()
    assert main(["claim", str(path), "3", "--user", "ann"]) == 0
    out = capsys.readouterr().out
    assert "ann claimed 3 unlabeled images" in out and names[0] in out
    assert main(["claim", str(path), "2", "--user", "bob", "--hours", "1"]) == 0
    assert names[3] in capsys.readouterr().out  # bob gets the next ones
    assert main(["claim", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ann: 3 images, until" in out and "bob: 2 images" in out
    assert main(["claim", str(path), "--release", "--user", "ann"]) == 0
    assert "released 3 claims of ann" in capsys.readouterr().out
    assert main(["claim", str(path), "0"]) == 2
    assert "whole number" in capsys.readouterr().err

    assert main(["agreement", str(path)]) == 2
    assert "needs labels from two annotators" in capsys.readouterr().err
    assert main(["agreement", str(path), "--sample", "3", "--seed", "0"]) == 0
    assert "added 3 images" in capsys.readouterr().out
    with Project.open(path) as p:
        p.add_class("dog")
        p.add_class("cat")
        rows = p.agreement_labels().rows.tolist()
        for who, labels in (("ann", (["dog"], [], ["cat"])), ("bob", (["dog"], [], []))):
            set_user(who)
            for row, names_ in zip(rows, labels, strict=True):
                p.set_agreement_labels(row, names_)
    assert main(["agreement", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ann and bob: 3 sample images labeled by both" in out
    dog = next(line for line in out.splitlines() if line.startswith("dog "))
    assert dog.split()[1:] == ["1", "0", "0", "2", "1.00"]
    cat = next(line for line in out.splitlines() if line.startswith("cat "))
    assert cat.split()[-1] == "0.00" and "1 images disagree, 1 not settled" in out
    assert "only ann: cat; only bob: -" in out
