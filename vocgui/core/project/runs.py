"""Training runs in the project (mixed into :class:`Project`): config, the label snapshot
trained on, per-epoch metrics, the model file and validation predictions.

Predictions keep the labels they were scored against (``y_true`` from the run's snapshot),
so a review compares the model with what it was taught, not with later edits.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vocgui.core.project.snapshot import LabelSnapshot
from vocgui.core.project.store import now_utc

RUN_STATUSES = ("running", "completed", "stopped", "failed")
ABANDONED_MESSAGE = ("abandoned: the process driving this run ended without finishing it "
                     "(killed or crashed); found when the project was next opened")


def run_folder(project_path: Path, run_id: int) -> Path:
    """Where run ``run_id`` of the project at ``project_path`` keeps its files (the model,
    history, predictions): ``<project file>.runs/run-<id>/`` beside the project file."""
    return project_path.with_name(project_path.name + ".runs") / f"run-{run_id}"


@dataclass(frozen=True)
class Predictions:
    """Scores of one run on one split: ``scores[i, k]`` for image ``rows[i]``, class k."""

    rows: np.ndarray
    classes: tuple[str, ...]
    scores: np.ndarray
    y_true: np.ndarray
    split: str = "val"


def _to_json(value: object, what: str) -> str:
    def plain(obj: object) -> object:
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")
    try:
        return json.dumps(value, ensure_ascii=False, default=plain)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the run's {what} cannot be saved: {exc}") from exc


def _pack_snapshot(snapshot: LabelSnapshot) -> bytes:
    frame = snapshot.frame
    data = {"classes": list(snapshot.classes), "row": frame["row"].tolist(),
            "path": frame["path"].tolist(), "labels": [list(t) for t in frame["labels"]],
            "split": frame["split"].tolist()}
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 3)


def _unpack_snapshot(blob: bytes) -> LabelSnapshot:
    data = json.loads(zlib.decompress(blob))
    frame = pd.DataFrame({
        "row": np.asarray(data["row"], dtype=np.int64),
        "path": pd.Series(data["path"], dtype=str),
        "labels": pd.Series([tuple(t) for t in data["labels"]], dtype=object),
        "split": pd.Series(data["split"], dtype=str),
    })
    return LabelSnapshot(classes=tuple(data["classes"]), frame=frame)


class RunsMixin:
    """create_run, log_epoch, save_predictions, finish_run, runs, run, predictions."""

    def create_run(self, config: dict, snapshot: LabelSnapshot) -> int:
        """Record a new run (status 'running') with its config and label snapshot."""
        config_json = _to_json(config, "config")
        with self._store.write("create_run", self._detail(config=config)) as conn:
            run_id = conn.execute(
                "INSERT INTO runs (created, config, snapshot, status, message) "
                "VALUES (?, ?, ?, 'running', '')",
                (now_utc(), config_json, _pack_snapshot(snapshot))).lastrowid
        return int(run_id)

    def log_epoch(self, run_id: int, epoch: int, metrics: dict) -> None:
        """Save one epoch's metrics (replacing that epoch's if it was logged before)."""
        self._run_row(run_id)
        with self._store.write("log_epoch", None) as conn:
            conn.execute("INSERT OR REPLACE INTO run_epochs VALUES (?, ?, ?)",
                         (run_id, int(epoch), _to_json(metrics, "metrics")))

    def save_predictions(self, run_id: int, rows: np.ndarray, classes: list[str],
                         scores: np.ndarray, split: str = "val") -> None:
        """Save a run's scores on ``split`` (float32, one row per image id in ``rows``)."""
        self._run_row(run_id)
        rows = np.asarray(rows, dtype=np.int64).ravel()
        scores = np.asarray(scores, dtype=np.float32)
        if scores.shape != (len(rows), len(classes)):
            raise ValueError(f"scores shape {scores.shape} does not match "
                             f"({len(rows)} rows, {len(classes)} classes)")
        with self._store.write("save_predictions", None) as conn:
            conn.execute("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?, ?)",
                         (run_id, split, _to_json(list(classes), "classes"),
                          rows.tobytes(), np.ascontiguousarray(scores).tobytes()))

    def finish_run(self, run_id: int, status: str, model_path: str | None = None,
                   message: str = "") -> None:
        """Mark a run 'completed', 'stopped' or 'failed', with its model file if any."""
        if status not in RUN_STATUSES[1:]:
            raise ValueError(f"unknown run status {status!r}; use one of {RUN_STATUSES[1:]}")
        self._run_row(run_id)
        with self._store.write("finish_run", self._detail(run=run_id, status=status)) as conn:
            conn.execute("UPDATE runs SET status = ?, model_path = ?, message = ?, finished = ? "
                         "WHERE id = ?", (status, model_path, message, now_utc(), run_id))

    def mark_abandoned_runs(self) -> list[int]:
        """Fail every run still 'running' and return their ids.

        Only a process holding the project open for editing drives a run (the training
        child never opens the project), and the editing lock admits one such process. So
        when a process gets the lock, a 'running' run has lost its driver (killed, or
        crashed) and will never finish: it is marked failed, saying so, on open.
        """
        ids = [i for (i,) in self._store.conn.execute(
            "SELECT id FROM runs WHERE status = 'running' ORDER BY id")]
        if not ids:
            return []
        with self._store.write("abandon_runs", self._detail(runs=ids)) as conn:
            conn.executemany(
                "UPDATE runs SET status = 'failed', message = ?, finished = ? WHERE id = ?",
                [(ABANDONED_MESSAGE, now_utc(), run_id) for run_id in ids])
        return ids

    def runs(self) -> pd.DataFrame:
        """One row per run, oldest first: id, created, finished, status, model_path,
        message, n_epochs, config (dict)."""
        rows = self._store.conn.execute(
            "SELECT r.id, r.created, r.finished, r.status, r.model_path, r.message, "
            "(SELECT COUNT(*) FROM run_epochs e WHERE e.run_id = r.id), r.config "
            "FROM runs r ORDER BY r.id").fetchall()
        columns = ["id", "created", "finished", "status", "model_path", "message", "n_epochs",
                   "config"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["config"] = pd.Series([json.loads(c) for c in frame["config"]], dtype=object)
        return frame.astype({"id": np.int64, "n_epochs": np.int64})

    def run(self, run_id: int) -> dict:
        """Everything about one run: id, created, finished, status, model_path, message,
        config, epochs (list of {'epoch', **metrics}), snapshot (LabelSnapshot), splits."""
        row = self._run_row(run_id)
        conn = self._store.conn
        epochs = [{"epoch": e, **json.loads(m)} for e, m in conn.execute(
            "SELECT epoch, metrics FROM run_epochs WHERE run_id = ? ORDER BY epoch", (run_id,))]
        splits = [s for (s,) in conn.execute(
            "SELECT split FROM predictions WHERE run_id = ? ORDER BY split", (run_id,))]
        return {"id": run_id, "created": row[0], "finished": row[1], "status": row[2],
                "model_path": row[3], "message": row[4], "config": json.loads(row[5]),
                "epochs": epochs, "snapshot": _unpack_snapshot(row[6]),
                "prediction_splits": splits}

    def predictions(self, run_id: int, split: str = "val") -> Predictions:
        """The saved scores of a run, with the labels of its snapshot as ``y_true``."""
        row = self._run_row(run_id)
        found = self._store.conn.execute(
            "SELECT classes, rows, scores FROM predictions WHERE run_id = ? AND split = ?",
            (run_id, split)).fetchone()
        if found is None:
            raise KeyError(f"run {run_id} has no saved predictions for split {split!r}")
        classes = tuple(json.loads(found[0]))
        rows = np.frombuffer(found[1], dtype=np.int64).copy()
        scores = np.frombuffer(found[2], dtype=np.float32).reshape(len(rows), len(classes)).copy()
        snapshot = _unpack_snapshot(row[6])
        position = {r: i for i, r in enumerate(snapshot.frame["row"].tolist())}
        column = {name: j for j, name in enumerate(classes)}
        y_true = np.zeros(scores.shape, dtype=bool)
        for i, r in enumerate(rows.tolist()):
            if r in position:
                labels = snapshot.frame["labels"].iat[position[r]]
                y_true[i, [column[n] for n in labels if n in column]] = True
        return Predictions(rows, classes, scores, y_true, split)

    def _run_row(self, run_id: int) -> tuple:
        row = self._store.conn.execute(
            "SELECT created, finished, status, model_path, message, config, snapshot "
            "FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise KeyError(f"{self.path} has no run {run_id}")
        return row
