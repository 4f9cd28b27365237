"""Claims: two annotators claiming the next unlabeled images never get the same ones."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from helpers_project import load_dataset

from vocgui.core.project import Project, ProjectIOError
from vocgui.core.project.claims import _CLAIM, claims_first
from vocgui.core.project.user import set_user


@pytest.fixture
def unlabeled(voc_sample: Path, tmp_path: Path) -> Path:
    """A project of the 100 real sample JPEGs as a plain folder: all unlabeled."""
    Project.create(tmp_path / "p.vocgui", load_dataset(voc_sample / "JPEGImages")).close()
    return tmp_path / "p.vocgui"


def test_claims_split_the_work_expire_and_release(unlabeled: Path) -> None:
    with Project.open(unlabeled) as p:
        p.set_labels([0, 1], ["person"])  # labeled images are never claimed
        set_user("ann")
        ann = p.claim_next(5)
        set_user("bob")
        bob = p.claim_next(5)
        assert ann.tolist() == [2, 3, 4, 5, 6] and bob.tolist() == [7, 8, 9, 10, 11]
        assert p.claimed_rows("mine").tolist() == bob.tolist()
        assert p.claimed_rows("others").tolist() == ann.tolist()
        assert len(p.claimed_rows("none")) == 90
        claims = p.claims()
        assert claims["who"].tolist() == ["ann"] * 5 + ["bob"] * 5
        assert (claims["expires"] > claims["claimed"]).all()
        assert p.release_claims([2, 7]) == 1  # bob cannot release ann's claim on 2
        assert 7 not in p.claimed_rows("mine") and 2 in p.claimed_rows("others")
        set_user("cy")
        short = p.claim_next(3, hours=0.5 / 3600)  # half a second
        assert short.tolist() == [7, 12, 13]
        time.sleep(0.6)
        set_user("dee")  # cy's lapsed claims are free again, ann's are not
        assert p.claim_next(4).tolist() == [7, 12, 13, 14]
        assert p.release_claims() == 4 and "dee" not in p.claims()["who"].tolist()
        with pytest.raises(ValueError, match="whole number"):
            p.claim_next(0)
    with Project.open(unlabeled, read_only=True) as p:  # visible to every reader
        assert sorted(set(p.claims()["who"])) == ["ann", "bob"]
        with pytest.raises(ProjectIOError, match="read-only"):
            p.claim_next(1)


def test_concurrent_claim_statements_never_share_an_image(unlabeled: Path) -> None:
    # The claim statement itself, run by 4 connections at once (as 4 processes would,
    # each with its own transaction): every image goes to one claimer only.
    got: dict[str, list[int]] = {}

    def claim(who: str) -> None:
        conn = sqlite3.connect(unlabeled, isolation_level=None, timeout=30)
        mine: list[int] = []
        for _ in range(10):
            conn.execute("BEGIN IMMEDIATE")
            now = "2026-12-01T00:00:00.000+00:00"
            mine += [r[0] for r in conn.execute(
                _CLAIM, (who, now, "2026-12-01T04:00:00.000+00:00", now, 2)).fetchall()]
            conn.execute("COMMIT")
        got[who] = mine
        conn.close()

    threads = [threading.Thread(target=claim, args=(f"u{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = np.concatenate([got[w] for w in sorted(got)])
    assert len(every) == 80 and len(set(every.tolist())) == 80


def test_label_next_prefers_my_claims_and_skips_others() -> None:
    queue = np.array([9, 4, 7, 1, 3, 8])
    assert claims_first(queue, mine=np.array([3, 7]), others=np.array([4, 5])).tolist() \
        == [7, 3, 9, 1, 8]
    assert claims_first(queue, np.zeros(0, int), np.zeros(0, int)).tolist() == queue.tolist()
