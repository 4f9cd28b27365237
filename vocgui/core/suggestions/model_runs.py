"""Which run's model makes the suggestions, and its name on screen.

The default is the newest completed run whose scoring pass covers every image of the
project; when images were added after every such run, the newest completed run with a
scoring pass at all (the added images then have no scores).
"""

from __future__ import annotations

import pandas as pd

from vocgui.core.project import Project
from vocgui.core.wording import plural

#: The prediction split of a scoring pass over every image.
SCORES_SPLIT = "all"


def suggestion_runs(project: Project) -> pd.DataFrame:
    """The completed runs with a scoring pass, newest first: ``Project.runs`` columns plus
    ``n_scored`` (images scored) and ``covers_all`` (every image of the project now)."""
    runs = project.runs()
    counts = project.scored_image_counts(SCORES_SPLIT)
    runs = runs[(runs["status"] == "completed") & runs["id"].isin(list(counts))]
    runs = runs.iloc[::-1].reset_index(drop=True)
    runs["n_scored"] = [counts[int(i)] for i in runs["id"]]
    runs["covers_all"] = runs["n_scored"] >= len(project.images)
    return runs


def default_run(project: Project) -> int | None:
    """The run suggestions come from when none is chosen (module docstring); None when
    no completed run has scored the images."""
    runs = suggestion_runs(project)
    if runs.empty:
        return None
    covering = runs[runs["covers_all"]]
    return int((covering if len(covering) else runs)["id"].iloc[0])


def model_name(config: dict, run_id: int) -> str:
    """How the model is named on screen: "run 7 (cross-validated, 5 folds)" or
    "run 3 (small_cnn)"."""
    folds = int(config.get("folds") or 0)
    if folds >= 2:
        return f"run {run_id} (cross-validated, {plural(folds, 'fold')})"
    return f"run {run_id} ({config.get('backbone', 'model')})"
