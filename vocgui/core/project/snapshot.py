"""A frozen copy of the labels for one training run, and its one lossless encoding.

The encoding is CSV text (:meth:`LabelSnapshot.to_text` /
:meth:`LabelSnapshot.from_text`), used both for the run's ``snapshot.csv`` that the
training process reads and, compressed, for the copy the project keeps with the run. The
CSV has columns ``row, path, labels, split``, each labels cell a JSON list (the encoding
of :mod:`vocgui.core.voc.labels_csv`), after one first line ``# vocgui label snapshot;
classes: [...]`` that keeps the class order and the classes no image carries. After
:meth:`LabelSnapshot.from_csv` the frame goes straight into Keras'
``flow_from_dataframe(frame, x_col="path", y_col="labels", class_mode="categorical",
classes=list(snapshot.classes))``.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vocgui.core.atomic import atomic_text_writer
from vocgui.core.voc.labels_csv import decode_labels, encode_labels

SNAPSHOT_COLUMNS = ("row", "path", "labels", "split")

#: The snapshot's split of an image labeled in vocgui that came without an annotation file
#: and has no split of its own: it trains under the official split (the dataset's own
#: validation images stay the yardstick, so runs before and after labeling compare on the
#: same images). Annotated images that the dataset's split lists nowhere keep ``''``.
NEW_LABELS_SPLIT = "new"
_HEADER = "# vocgui label snapshot; classes: "


@dataclass(frozen=True)
class LabelSnapshot:
    """``classes`` (ordered) and ``frame`` (row, path, labels tuple, split); do not mutate."""

    classes: tuple[str, ...]
    frame: pd.DataFrame

    def label_matrix(self) -> np.ndarray:
        """The (len(frame), len(classes)) bool matrix of the snapshot's labels."""
        column = {name: j for j, name in enumerate(self.classes)}
        matrix = np.zeros((len(self.frame), len(self.classes)), dtype=bool)
        for i, labels in enumerate(self.frame["labels"]):
            matrix[i, [column[n] for n in labels]] = True
        return matrix

    def to_text(self) -> str:
        """The snapshot as CSV text (see the module docstring for the format)."""
        out = self.frame.loc[:, list(SNAPSHOT_COLUMNS)].copy()
        out["labels"] = [encode_labels(t) for t in out["labels"]]
        text = io.StringIO()
        text.write(_HEADER + json.dumps(list(self.classes), ensure_ascii=False) + "\n")
        out.to_csv(text, index=False, lineterminator="\n")
        return text.getvalue()

    @classmethod
    def from_text(cls, text: str, source: str = "label snapshot") -> LabelSnapshot:
        """Read :meth:`to_text`'s output; ValueError names ``source`` if it is not one."""
        first, _, body = text.partition("\n")
        if not first.startswith(_HEADER):
            raise ValueError(f"{source} is not a vocgui label snapshot (first line should "
                             f"start with {_HEADER.strip()!r})")
        try:
            classes = tuple(json.loads(first[len(_HEADER):]))
            frame = pd.read_csv(io.StringIO(body), dtype={"path": str, "labels": str,
                                                          "split": str},
                                keep_default_na=False)
            frame["labels"] = pd.Series([decode_labels(c) for c in frame["labels"]],
                                        dtype=object)
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{source}: damaged label snapshot: {exc}") from exc
        if tuple(frame.columns) != SNAPSHOT_COLUMNS:
            raise ValueError(f"{source}: expected columns {SNAPSHOT_COLUMNS}, "
                             f"found {tuple(frame.columns)}")
        frame["row"] = frame["row"].astype(np.int64)
        return cls(classes=classes, frame=frame)

    def to_csv(self, path: str | os.PathLike) -> None:
        """Write :meth:`to_text` to ``path`` atomically."""
        with atomic_text_writer(path) as fh:
            fh.write(self.to_text())

    @classmethod
    def from_csv(cls, path: str | os.PathLike) -> LabelSnapshot:
        """Read a snapshot written by :meth:`to_csv`; ValueError names the file if not one."""
        with open(path, encoding="utf-8", newline="") as fh:
            return cls.from_text(fh.read(), str(path))
