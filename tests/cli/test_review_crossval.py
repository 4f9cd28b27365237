"""Label errors anywhere in a dataset, from the terminal: label errors planted at random
over a real demo project are found by a real cross-validated run (every labeled image
gets an out-of-sample score), and ``vocgui review`` lists them saying it checked every
labeled image.

The run is trained once for the module, as the app does (a child process, its events
recorded into the project). The measure is that of ``benchmarks/bench_crossval.py``
(recall and precision of the planted errors among the first issues), on a smaller set
with tiny settings and a bounded lower figure.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import pandas as pd
import pytest

from vocgui.cli.main import main
from vocgui.core.demo import write_demo
from vocgui.core.evaluation.planted_errors import plant_label_errors, recall_precision
from vocgui.core.project import Project
from vocgui.training.config import Augment, defaults_for
from vocgui.training.run_start import start_run

pytestmark = pytest.mark.slow

N_IMAGES, N_ERRORS, FOLDS = 240, 16, 2
#: Seconds without any event before the run counts as hung.
EVENT_TIMEOUT = 300
#: Measured here: 10 of the 16 planted errors among the first 16 issues (recall and
#: precision 0.62; the run is seeded, op-deterministic; 8 of 16 before the cosine rate
#: schedule, the class-frequency head bias and the calibrated issue order). The bound
#: is 7 of 16, three below that: the top 16 of 240 images holds 7 planted ones by
#: chance with p = 1e-5 (hypergeometric), and checking only a validation split (a
#: fifth of the images) would find about a fifth as many.
MIN_RECALL = MIN_PRECISION = 0.4


@dataclass(frozen=True)
class Reviewed:
    """The planted errors and what ``vocgui review`` printed and wrote for the run."""

    planted: set[int]
    printed: str
    issues: pd.DataFrame


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Reviewed:
    """A demo project with N_ERRORS label errors planted, its one cross-validated run, and
    its review (run once: both tests read it)."""
    base = tmp_path_factory.mktemp("planted")
    root = write_demo(base / "demo", n_images=N_IMAGES, seed=11)
    path = base / "planted.vocgui"
    with Project.create_from_voc(path, root) as project:
        wrong, planted = plant_label_errors(project.snapshot(), N_ERRORS, seed=2)
        frame = wrong.frame.set_index("row")
        for row in sorted(planted):
            project.set_labels([row], frame.loc[row, "labels"])
        config = defaults_for("small_cnn", target_size=64, batch_size=16, epochs=8,
                              augment=Augment.off(), folds=FOLDS)
        started = start_run(project, config, out_dir=base / "run")
        with started.process as process:
            for event in process.events(timeout=EVENT_TIMEOUT):
                started.record(event)
        assert project.run(started.run_id)["status"] == "completed"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["review", str(path), "--formats", "png", "--out", str(base / "report")])
    assert code == 0
    return Reviewed(planted, printed.getvalue(), pd.read_csv(base / "report" /
                                                             "label_issues.csv"))


def test_planted_errors_are_found_over_the_whole_dataset(reviewed):
    recall, precision = recall_precision(reviewed.issues, reviewed.planted)
    print(f"planted {N_ERRORS}: recall {recall:.2f}, precision {precision:.2f}")
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, (recall, precision)


def test_review_says_it_checked_every_labeled_image(reviewed):
    [line] = [line for line in reviewed.printed.splitlines()
              if line.startswith("Likely label errors")]
    assert line.startswith(f"Likely label errors: {len(reviewed.issues)} look mislabelled: "
                           f"checked {N_IMAGES} of {N_IMAGES} labeled images (out-of-sample "
                           f"scores of the {FOLDS}-fold cross-validated run 1)")
