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

from vocgui.core.project.change_events import RunEvent
from vocgui.core.project.snapshot import LabelSnapshot
from vocgui.core.project.store_base import now_utc

RUN_STATUSES = ("running", "completed", "stopped", "failed")
ABANDONED_MESSAGE = ("abandoned: the process driving this run ended without finishing it "
                     "(killed or crashed); found when the project was next opened")


def run_folder(project_path: Path, run_id: int) -> Path:
    """Where run ``run_id`` of the project at ``project_path`` keeps its files (the model,
    history, predictions): ``<project file>.runs/run-<id>/`` beside the project file."""
    return project_path.with_name(project_path.name + ".runs") / f"run-{run_id}"


@dataclass(frozen=True)
class Predictions:
    """Scores of one run on one split: ``scores[i, k]`` for image ``rows[i]``, class k.

    Split "val" is the run's validation images; split "all" the scoring pass over every
    image of the project, where ``in_sample[i]`` says image ``rows[i]`` trained the
    model (its score is no evidence about its label) and ``features`` names the file of
    pooled features (``rows``, ``features`` float16). ``y_true`` is the run's snapshot
    labels (all False for images not in it, e.g. unlabeled ones)."""

    rows: np.ndarray
    classes: tuple[str, ...]
    scores: np.ndarray
    y_true: np.ndarray
    split: str = "val"
    in_sample: np.ndarray | None = None
    features: str | None = None


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


def pack_snapshot(snapshot: LabelSnapshot) -> bytes:
    """The run's copy of its snapshot: :meth:`LabelSnapshot.to_text`, compressed."""
    return zlib.compress(snapshot.to_text().encode("utf-8"), 3)


def unpack_snapshot(blob: bytes) -> LabelSnapshot:
    """The inverse of :func:`pack_snapshot`; also reads the JSON blobs of runs
    recorded by vocgui 0.1 before the snapshot had one encoding."""
    text = zlib.decompress(blob).decode("utf-8")
    if text.startswith("{"):
        return _legacy_snapshot(json.loads(text))
    return LabelSnapshot.from_text(text, "the run's snapshot")


def _legacy_snapshot(data: dict) -> LabelSnapshot:
    """A snapshot in the JSON-of-columns form of those older runs."""
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
                (now_utc(), config_json, pack_snapshot(snapshot))).lastrowid
        self.run_events.emit(RunEvent("run_started", int(run_id)))
        return int(run_id)

    def log_epoch(self, run_id: int, epoch: int, metrics: dict) -> None:
        """Save one epoch's metrics (replacing that epoch's if it was logged before)."""
        self._run_row(run_id)
        with self._store.write("log_epoch", None) as conn:
            conn.execute("INSERT OR REPLACE INTO run_epochs VALUES (?, ?, ?)",
                         (run_id, int(epoch), _to_json(metrics, "metrics")))
        self.run_events.emit(RunEvent("run_epoch", int(run_id), epoch=int(epoch)))

    def save_predictions(self, run_id: int, rows: np.ndarray, classes: list[str],
                         scores: np.ndarray, split: str = "val",
                         in_sample: np.ndarray | None = None,
                         features: str | None = None) -> None:
        """Save a run's scores on ``split`` (float32, one row per image id in ``rows``),
        with the in-sample flags and features file of a scoring pass (split "all")."""
        self._run_row(run_id)
        rows = np.asarray(rows, dtype=np.int64).ravel()
        scores = np.asarray(scores, dtype=np.float32)
        if scores.shape != (len(rows), len(classes)):
            raise ValueError(f"scores shape {scores.shape} does not match "
                             f"({len(rows)} rows, {len(classes)} classes)")
        flags = None
        if in_sample is not None:
            flags = np.asarray(in_sample, dtype=bool).ravel()
            if flags.shape != rows.shape:
                raise ValueError(f"{len(flags)} in-sample flags for {len(rows)} rows")
            flags = flags.astype(np.uint8).tobytes()
        with self._store.write("save_predictions", None) as conn:
            conn.execute("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (run_id, split, _to_json(list(classes), "classes"),
                          rows.tobytes(), np.ascontiguousarray(scores).tobytes(), flags,
                          features))
        self.run_events.emit(RunEvent("run_predictions", int(run_id), split=split))

    def finish_run(self, run_id: int, status: str, model_path: str | None = None,
                   message: str = "") -> None:
        """Mark a run 'completed', 'stopped' or 'failed', with its model file if any."""
        if status not in RUN_STATUSES[1:]:
            raise ValueError(f"unknown run status {status!r}; use one of {RUN_STATUSES[1:]}")
        self._run_row(run_id)
        with self._store.write("finish_run", self._detail(run=run_id, status=status)) as conn:
            conn.execute("UPDATE runs SET status = ?, model_path = ?, message = ?, finished = ? "
                         "WHERE id = ?", (status, model_path, message, now_utc(), run_id))
        self.run_events.emit(RunEvent("run_finished", int(run_id), status=status))

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
                "epochs": epochs, "snapshot": unpack_snapshot(row[6]),
                "prediction_splits": splits}

    def predictions(self, run_id: int, split: str = "val") -> Predictions:
        """The saved scores of a run, with the labels of its snapshot as ``y_true``."""
        row = self._run_row(run_id)
        conn = self._store.conn
        # A file opened read-only is never migrated: before schema 4 these did not exist.
        newer = any(r[1] == "in_sample" for r in conn.execute("PRAGMA table_info(predictions)"))
        found = conn.execute(
            f"SELECT classes, rows, scores, {'in_sample, features' if newer else 'NULL, NULL'} "
            "FROM predictions WHERE run_id = ? AND split = ?", (run_id, split)).fetchone()
        if found is None:
            raise KeyError(f"run {run_id} has no saved predictions for split {split!r}")
        classes = tuple(json.loads(found[0]))
        rows = np.frombuffer(found[1], dtype=np.int64).copy()
        scores = np.frombuffer(found[2], dtype=np.float32).reshape(len(rows), len(classes)).copy()
        # y_true is kept once, in the run's snapshot: the labels the model was taught.
        snapshot = unpack_snapshot(row[6])
        taught = snapshot.label_matrix()
        position = pd.Index(snapshot.frame["row"]).get_indexer(rows)
        column = pd.Index(snapshot.classes).get_indexer(classes)
        y_true = np.zeros(scores.shape, dtype=bool)
        found_rows, found_cols = position >= 0, column >= 0
        y_true[np.ix_(found_rows, found_cols)] = taught[
            np.ix_(position[found_rows], column[found_cols])]
        in_sample = (None if found[3] is None
                     else np.frombuffer(found[3], dtype=np.uint8).astype(bool))
        return Predictions(rows, classes, scores, y_true, split, in_sample, found[4])

    def scored_image_counts(self, split: str = "all") -> dict[int, int]:
        """How many images each run saved scores of on ``split``, without reading them."""
        return {int(run_id): int(n) for run_id, n in self._store.conn.execute(
            "SELECT run_id, length(rows) / 8 FROM predictions WHERE split = ?", (split,))}

    def _run_row(self, run_id: int) -> tuple:
        row = self._store.conn.execute(
            "SELECT created, finished, status, model_path, message, config, snapshot "
            "FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise KeyError(f"{self.path} has no run {run_id}")
        return row
