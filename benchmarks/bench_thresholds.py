"""Suggestions at one threshold for every class against per-class thresholds tuned out of
sample, measured on images neither the model nor the tuning saw.

    python benchmarks/bench_thresholds.py [--images 600] [--unlabeled 200] [--epochs 8]
        [--folds 0] [--seed 0] [--keep DIR]

Writes the demo dataset with an unlabeled part, trains a run on its labeled images
(in-process, scoring pass included: ``--folds K`` makes it cross-validated), records it
in a project as the app does, and reads its suggestions with
:func:`vocgui.core.suggestions.load_run_scores`: each class's threshold tuned on the run's
out-of-sample labeled images (a single run's validation images), or the run's own 0.5
for classes with too few of them there. Both are then measured on the unlabeled images,
against the labels the demo drew for them: micro-F1 of the suggested labels, and each
class's F1 (the demo's rare classes, diamond and hexagon, are in about 5% of the images).
The last line is the ratio tuned / single micro-F1.
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

from vocgui.core.demo import unlabeled_truth, write_demo  # noqa: E402
from vocgui.core.project import Project  # noqa: E402
from vocgui.core.project.run_recorder import RunRecorder  # noqa: E402
from vocgui.core.stats.labels import multi_hot  # noqa: E402
from vocgui.core.suggestions import load_run_scores  # noqa: E402
from vocgui.training.config import TrainConfig, defaults_for  # noqa: E402
from vocgui.training.job import run_training  # noqa: E402
from vocgui.training.reporter import CollectingReporter  # noqa: E402
from vocgui.training.score_list import write_score_list  # noqa: E402


def f1_counts(truth: np.ndarray, suggested: np.ndarray) -> tuple[float, np.ndarray]:
    """(micro-F1 over every class, F1 per class; NaN for a class in no image and never
    suggested)."""
    tp = (truth & suggested).sum(axis=0)
    wrong = (truth ^ suggested).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = 2 * tp / (2 * tp + wrong)
    return float(2 * tp.sum() / (2 * tp.sum() + wrong.sum())), per_class


def trained_project(tmp: Path, args: argparse.Namespace) -> tuple[Project, int]:
    """The demo project with one run trained, scored and recorded; its id."""
    root = write_demo(tmp / "demo", n_images=args.images, seed=args.seed,
                      n_unlabeled=args.unlabeled)
    project = Project.create_from_voc(tmp / "demo.vocgui", root)
    write_score_list(tmp / "score.csv", *project.image_list())
    config = defaults_for("small_cnn", epochs=args.epochs, target_size=64, batch_size=32)
    config = TrainConfig.from_dict({**config.to_dict(), "folds": args.folds})
    snapshot = project.snapshot()
    run_id = project.create_run(config.to_dict(), snapshot)
    reporter = CollectingReporter()
    start = time.perf_counter()
    result = run_training(snapshot, config, tmp / "run", reporter, score=str(tmp / "score.csv"))
    assert result.status == "completed", result.message
    print(f"trained {'a single run' if not args.folds else f'{args.folds} folds'} in "
          f"{time.perf_counter() - start:.0f} s")
    recorder = RunRecorder(project, run_id)
    for event in reporter.events:
        recorder.handle(event)
    return project, run_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=600)
    parser.add_argument("--unlabeled", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR",
                        help="write the dataset, the project and the run here, and keep "
                        "them (to open the project in the app afterwards)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = args.keep or stack.enter_context(tempfile.TemporaryDirectory())
        project, run_id = trained_project(Path(tmp), args)
        with project:
            run = load_run_scores(project, run_id)
            origin = run.origin
            held_out = np.flatnonzero(~project.images["labeled"].to_numpy(dtype=bool))
            position = {int(r): i for i, r in enumerate(run.rows)}
            scores = run.scores[[position[int(r)] for r in held_out]]
    truth = multi_hot(unlabeled_truth(args.images, args.unlabeled, args.seed),
                      list(run.classes))
    print(f"tuned on {origin.n_images} out-of-sample labeled images; measured on "
          f"{len(held_out)} unlabeled images (their true labels from the demo)")
    single_f1, single_each = f1_counts(truth, scores >= origin.run_threshold)
    tuned_f1, tuned_each = f1_counts(truth, scores >= run.thresholds)
    print(f"{'class':>10} {'in':>4} {'threshold':>9} {'F1 single':>9} {'F1 tuned':>9}  source")
    for k, name in enumerate(run.classes):
        print(f"{name:>10} {int(truth[:, k].sum()):>4} {run.thresholds[k]:>9.3f} "
              f"{single_each[k]:>9.3f} {tuned_each[k]:>9.3f}  {origin.source_of(k)}")
    print(f"micro-F1 of the suggestions: single threshold {origin.run_threshold:.2f} "
          f"{single_f1:.3f}, {origin.caption()} {tuned_f1:.3f}")
    ratio = tuned_f1 / single_f1 if single_f1 else float("inf")  # single suggests nothing
    print(f"tuned/single micro-F1: {ratio:.3f}x")


if __name__ == "__main__":
    main()
