"""The model working for the annotator: a run's scores of every image as suggested
labels, an uncertainty per image, the "Label next" queue and accepting suggestions as
undoable edits. Pure Python + numpy; see docs/architecture.md section 9."""

from vocgui.core.suggestions.accept import AcceptPlan, accept_command, plan_accept
from vocgui.core.suggestions.class_thresholds import ClassThresholds, tune_thresholds
from vocgui.core.suggestions.label_next import label_next_queue, next_to_label
from vocgui.core.suggestions.model_runs import default_run, model_name, suggestion_runs
from vocgui.core.suggestions.scores import (
    CONFIDENT_BAND,
    RunScores,
    Suggestions,
    load_run_scores,
    match_classes,
    uncertainty_of,
)

__all__ = ["CONFIDENT_BAND", "AcceptPlan", "ClassThresholds", "RunScores", "Suggestions",
           "accept_command", "default_run", "label_next_queue", "load_run_scores",
           "match_classes", "model_name", "next_to_label", "plan_accept", "suggestion_runs",
           "tune_thresholds", "uncertainty_of"]
