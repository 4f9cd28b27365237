"""Which runs of a project can be reviewed, and loading one for review."""

from __future__ import annotations

import pandas as pd

from vocgui.core.evaluation.baseline import ModelVerdict
from vocgui.core.evaluation.difficult import difficult_only
from vocgui.core.evaluation.run_review import RunReview
from vocgui.core.evaluation.thresholds import DEFAULT_THRESHOLD
from vocgui.core.project import Project
from vocgui.core.wording import plural

#: The prediction split the review reads: out-of-sample scores.
REVIEW_SPLIT = "val"


def reviewable_runs(project: Project) -> pd.DataFrame:
    """The project's runs (``Project.runs`` columns) that saved validation predictions,
    newest first."""
    runs = project.runs()
    keep = [REVIEW_SPLIT in project.run(int(run_id))["prediction_splits"]
            for run_id in runs["id"]]
    return runs[keep].iloc[::-1].reset_index(drop=True)


def load_review(project: Project, run_id: int) -> RunReview:
    """The :class:`RunReview` of a run's validation predictions (KeyError if it has none),
    with the labels that come only from difficult objects marked for VOC evaluation."""
    predictions = project.predictions(int(run_id), REVIEW_SPLIT)
    ignore = difficult_only(project.objects, predictions.rows, predictions.classes)
    return RunReview.from_predictions(predictions, ignore)


def run_threshold(run: pd.Series | dict) -> float:
    """The threshold the run's own metrics used (its config's), else the default."""
    config = run["config"] if isinstance(run["config"], dict) else {}
    return float(config.get("threshold", DEFAULT_THRESHOLD))


def run_caption(run: pd.Series) -> str:
    """A one-line name of a run for pickers: id, model (and folds when cross-validated),
    status, epochs, date."""
    config = run["config"] if isinstance(run["config"], dict) else {}
    model = config.get("backbone", "model")
    created = str(run["created"])[:16].replace("T", " ")
    epochs = plural(int(run["n_epochs"]), "epoch")
    folds = int(config.get("folds") or 0)
    if folds >= 2:  # its epochs count every fold's: say so, or 3 folds of 3 read as "9 epochs"
        model += f", cross-validated ({plural(folds, 'fold')})"
        epochs += " in all"
    return f"run {int(run['id'])}: {model}, {run['status']}, {epochs}, {created}"


def checked_description(project: Project, run_id: int, n_checked: int) -> str:
    """What label-error finding on run ``run_id``'s out-of-sample scores checked, e.g.
    "checked 600 of 600 labeled images (out-of-sample scores of the 5-fold
    cross-validated run 4)" or "checked the 120 validation images of run 3"."""
    folds = int(project.run(int(run_id))["config"].get("folds") or 0)
    n_labeled = len(project.labeled_rows)
    if folds >= 2:
        return (f"checked {n_checked:,} of {plural(n_labeled, 'labeled image')} "
                f"(out-of-sample scores of the {folds}-fold cross-validated run {run_id})")
    return (f"checked the {plural(n_checked, 'validation image')} of run {run_id} "
            f"(of {n_labeled:,} labeled; a cross-validated run checks them all)")


def issues_summary(verdict: ModelVerdict, n_issues: int, checked: str) -> str:
    """What label-error finding found and on what, in the words the Review tab and
    ``vocgui review`` share: the count and ``checked`` (:func:`checked_description`) with
    the verdict, or, for a model not clearly better than the class-frequency baseline,
    what was checked and the verdict (no fix is offered)."""
    if not verdict.clearly_better:
        return f"{checked[:1].upper()}{checked[1:]}. {verdict.message}"
    return (f"{n_issues:,} look mislabelled: {checked}, with cleanlab on the model's "
            f"out-of-sample scores; most likely first. {verdict.message}")
