"""A cross-validated run against a single run of the same settings, and the label errors
its out-of-sample scores find when errors are planted at random over the whole dataset.

    python benchmarks/bench_crossval.py [--images 600] [--folds 5] [--errors 40] [--epochs 8]

Writes the demo dataset, plants ``--errors`` label errors at random over all its images
(each planted image loses one of its labels or gains one it lacks), then trains, in the
same run and with the same settings, a single run and a ``--folds`` cross-validated run
(both in-process, scoring pass included). It prints both wall times and, for each run,
recall and precision of the planted errors among "Likely label errors" (cleanlab on the
run's out-of-sample scores: the validation images of the single run, every labeled image
of the cross-validated one), counting the top ``--errors`` issues. Targets: wall time at
most 5.5x a single run, recall and precision at least 0.7. The last line is the ratio
cross-validated wall time / single-run wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from vocgui.core.demo import write_demo  # noqa: E402
from vocgui.core.evaluation.label_issues import find_label_issues  # noqa: E402
from vocgui.core.project import LabelSnapshot, Project  # noqa: E402
from vocgui.core.stats.labels import multi_hot  # noqa: E402
from vocgui.training.config import TrainConfig, defaults_for  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.score_list import write_score_list  # noqa: E402


def planted(snapshot: LabelSnapshot, n_errors: int, seed: int) -> tuple[LabelSnapshot, set]:
    """The snapshot with ``n_errors`` images' labels changed by one class each."""
    rng = np.random.default_rng(seed)
    frame = snapshot.frame.copy()
    chosen = rng.choice(len(frame), n_errors, replace=False)
    labels = list(frame["labels"])
    for i in chosen:
        given = set(labels[i])
        if given and rng.random() < 0.5:
            given.discard(rng.choice(sorted(given)))
        else:
            given.add(rng.choice([c for c in snapshot.classes if c not in given]))
        labels[i] = tuple(sorted(given))
    frame["labels"] = labels
    return LabelSnapshot(snapshot.classes, frame), {int(frame["row"].iat[i]) for i in chosen}


def found(out: Path, snapshot: LabelSnapshot, errors: set, n_top: int) -> tuple[float, float]:
    """(recall, precision) of the planted errors among the top ``n_top`` label issues."""
    with np.load(out / "predictions.npz", allow_pickle=False) as npz:
        rows, scores = npz["rows"], npz["scores"]
    position = {int(r): i for i, r in enumerate(snapshot.frame["row"])}
    y = multi_hot([snapshot.frame["labels"].iat[position[int(r)]] for r in rows],
                  list(snapshot.classes))
    issues = find_label_issues(y, scores, list(snapshot.classes), rows=rows)
    top = set(issues["row"].head(n_top).astype(int).tolist())
    hits = len(top & errors)
    return hits / len(errors), hits / max(1, len(top))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    config = defaults_for("small_cnn", epochs=args.epochs, target_size=64)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_demo(Path(tmp) / "demo", n_images=args.images, n_unlabeled=200)
        with Project.create_from_voc(Path(tmp) / "demo.vocgui", root) as project:
            snapshot, errors = planted(project.snapshot(), args.errors, seed=1)
            write_score_list(Path(tmp) / "score.csv", *project.image_list())
        times, figures = {}, {}
        for name, folds in (("single run", 0), (f"{args.folds}-fold", args.folds)):
            out = Path(tmp) / name.replace(" ", "-")
            start = time.perf_counter()
            settings = TrainConfig.from_dict({**config.to_dict(), "folds": folds})
            result = run_training(snapshot, settings, out, CollectingReporter(),
                                  score=str(Path(tmp) / "score.csv"))
            times[name] = time.perf_counter() - start
            assert result.status == "completed", result.message
            figures[name] = found(out, snapshot, errors, args.errors)
        for name, seconds in times.items():
            recall, precision = figures[name]
            print(f"{name:>11}: {seconds:6.1f} s; planted errors: recall {recall:.2f}, "
                  f"precision {precision:.2f} (top {args.errors} issues)")
        single, crossval = times["single run"], times[f"{args.folds}-fold"]
        print(f"ratio {args.folds}-fold / single-run wall time: {crossval / single:.2f}x")


if __name__ == "__main__":
    main()
