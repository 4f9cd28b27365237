"""A cross-validated run against a single run of the same settings, and the label errors
its out-of-sample scores find when errors are planted at random over the whole dataset.

    python benchmarks/bench_crossval.py [--images 600] [--folds 5] [--errors 40]
        [--epochs 8] [--batch-size 32] [--keep DIR]

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
import contextlib
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
from vocgui.core.evaluation.planted_errors import (  # noqa: E402
    plant_label_errors,
    recall_precision,
)
from vocgui.core.project import LabelSnapshot, Project  # noqa: E402
from vocgui.core.stats.labels import multi_hot  # noqa: E402
from vocgui.training.config import TrainConfig, defaults_for  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.score_list import write_score_list  # noqa: E402


def found(out: Path, snapshot: LabelSnapshot, errors: set[int], n_top: int
          ) -> tuple[float, float]:
    """(recall, precision) of the planted errors among the top ``n_top`` label issues."""
    with np.load(out / "predictions.npz", allow_pickle=False) as npz:
        rows, scores = npz["rows"], npz["scores"]
    position = {int(r): i for i, r in enumerate(snapshot.frame["row"])}
    y = multi_hot([snapshot.frame["labels"].iat[position[int(r)]] for r in rows],
                  list(snapshot.classes))
    issues = find_label_issues(y, scores, list(snapshot.classes), rows=rows)
    return recall_precision(issues, errors, n_top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--keep", metavar="DIR",
                        help="write the dataset and both runs' folders here, and keep them "
                        "(to look at the out-of-sample scores afterwards)")
    args = parser.parse_args()
    config = defaults_for("small_cnn", epochs=args.epochs, target_size=64,
                          batch_size=args.batch_size)
    with contextlib.ExitStack() as stack:
        tmp = args.keep or stack.enter_context(tempfile.TemporaryDirectory())
        root = write_demo(Path(tmp) / "demo", n_images=args.images, n_unlabeled=200)
        with Project.create_from_voc(Path(tmp) / "demo.vocgui", root) as project:
            snapshot, errors = plant_label_errors(project.snapshot(), args.errors, seed=1)
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
