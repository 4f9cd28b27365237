"""The flow_from_dataframe CSV: atomic write, lossless read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vocgui.core.voc import read_labels_csv, write_labels_csv
from vocgui.core.voc.labels_csv import LabelsCsvError

AWKWARD = [("dining table", "dog"), ("a, b", 'say "hi"'), (), ("caf\u00e9",), ("x\ny",),
           ("[]",)]


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    frame = pd.DataFrame({"filename": [f"/data/img {i}, v2.jpg" for i in range(len(AWKWARD))],
                          "labels": AWKWARD})
    path = tmp_path / "labels.csv"
    write_labels_csv(path, frame)
    back = read_labels_csv(path)
    assert list(back.columns) == ["filename", "labels"]
    assert back["filename"].tolist() == frame["filename"].tolist()
    assert back["labels"].tolist() == AWKWARD
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"], "no temporary file left"


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    write_labels_csv(path, pd.DataFrame({"filename": ["a.jpg"], "labels": [("cat",)]}))
    before = path.read_bytes()
    with pytest.raises(TypeError):
        write_labels_csv(path, pd.DataFrame({"filename": ["b.jpg"], "labels": [object()]}))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"]


def test_bad_labels_cell_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text('filename,labels\na.jpg,"[""cat""]"\nb.jpg,cat dog\n')
    with pytest.raises(LabelsCsvError, match="line 3"):
        read_labels_csv(path)
    path.write_text("filename\na.jpg\n")
    with pytest.raises(LabelsCsvError, match="no 'labels' column"):
        read_labels_csv(path)
