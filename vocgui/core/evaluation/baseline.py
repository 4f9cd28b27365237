"""Is a model clearly better than knowing only how common each class is?

Label-error suggestions are only as good as the model behind them: a chance-level model
"finds" errors everywhere. :func:`model_verdict` compares the model's mAP on some images
with two references on the same images and labels:

* the **class-frequency baseline**: every image gets the same score for a class (its
  frequency), so the class's AP is its prevalence and the baseline's mAP the mean
  prevalence;
* **chance ranking**: the model's own scores shuffled among the images, class by class.
  On few images a ranking that knows nothing still scores well above the prevalence
  (random scores on 22 images with 30% positives average an mAP of about 0.42, not
  0.30), so the lead is measured from the shuffles' mean.

The model is *clearly better* when its mAP beats the shuffles' mean by at least
``min_lead`` and by three standard deviations of the shuffles' mAP (a chance-level
model passed once in 100 random trials on 22 images, never on 100). The test takes any
out-of-sample scores: a run's validation predictions or cross-validated scores for every
image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The smallest mAP lead over chance ranking that counts as "clearly better".
MIN_LEAD = 0.05
#: ... and the lead in standard deviations of the chance rankings' mAP.
MIN_SIGMAS = 3.0
#: Shuffles of the scores for the chance ranking (fixed seed: the verdict is reproducible),
#: fewer (down to :data:`MIN_SHUFFLES`) when images x classes x shuffles would pass
#: :data:`SHUFFLE_BUDGET` (about two seconds here).
SHUFFLES = 100
MIN_SHUFFLES = 20
SHUFFLE_BUDGET = 20_000_000
#: The verdict looks at the most frequent classes only, past this many (20,000 classes
#: would take minutes; the frequent classes are where most label fixes would land).
MAX_CLASSES = 200


@dataclass(frozen=True)
class ModelVerdict:
    """The model against the class-frequency baseline and chance on the same images."""

    model_map: float | None
    baseline_map: float | None
    #: The mean mAP of the model's scores shuffled among the images.
    chance_map: float | None
    #: The mAP the model needed to be clearly better.
    needed_map: float | None
    clearly_better: bool
    #: For people: what was compared and what follows from it.
    message: str


def _ap_of_rankings(positive: np.ndarray, score: np.ndarray) -> np.ndarray:
    """scikit-learn's AP (tied scores grouped) of one class's ``score`` for each row of
    ``positive`` (rankings x images, labels in any arrangement over the same scores)."""
    order = np.argsort(-score, kind="stable")
    sorted_score, positive = score[order], positive[:, order]
    tp = np.cumsum(positive, axis=1)
    last_of_tie = np.r_[np.flatnonzero(np.diff(sorted_score)), len(sorted_score) - 1]
    tp = tp[:, last_of_tie].astype(np.float64)
    seen = (last_of_tie + 1).astype(np.float64)
    total = tp[:, -1:]
    recall_step = np.diff(np.concatenate([np.zeros_like(total), tp], axis=1), axis=1) / total
    return np.sum(recall_step * (tp / seen), axis=1)


def model_verdict(scores: np.ndarray, labels: np.ndarray, ignore: np.ndarray | None = None,
                  min_lead: float = MIN_LEAD, shuffles: int = SHUFFLES,
                  seed: int = 0) -> ModelVerdict:
    """Compare out-of-sample ``scores`` (n x k) with the class-frequency baseline and with
    chance on ``labels`` (bool n x k), over the classes with a positive. ``ignore`` (bool
    n x k) leaves labels out of all three, e.g. those coming only from difficult objects."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    if s.shape != y.shape or s.ndim != 2:
        raise ValueError(f"scores {s.shape} and labels {y.shape} must be 2-D of one shape")
    keep = np.ones_like(y) if ignore is None else ~np.asarray(ignore, dtype=bool)
    counted = (y & keep).sum(axis=0)
    classes = np.flatnonzero(counted)  # AP undefined without a positive: in no mean
    if len(classes) > MAX_CLASSES:
        classes = np.sort(classes[np.argsort(-counted[classes], kind="stable")[:MAX_CLASSES]])
    shuffles = int(np.clip(SHUFFLE_BUDGET // max(1, len(y) * len(classes)), MIN_SHUFFLES,
                           shuffles))
    rng = np.random.default_rng(seed)
    model, baseline, chance = [], [], []
    for k in classes:
        positive, score = y[keep[:, k], k], s[keep[:, k], k]
        shuffled = np.array([rng.permutation(positive) for _ in range(shuffles)])
        model.append(_ap_of_rankings(positive[None, :], score)[0])
        baseline.append(positive.mean())
        chance.append(_ap_of_rankings(shuffled, score))
    if not model:
        return ModelVerdict(None, None, None, None, False, "No image carries a label the "
                            "model can be checked on, so it is not known to beat guessing; "
                            "no label-error suggestion is offered as a fix.")
    model_map, baseline_map = float(np.mean(model)), float(np.mean(baseline))
    shuffled_maps = np.mean(chance, axis=0)
    chance_map = float(shuffled_maps.mean())
    needed_map = chance_map + max(min_lead, MIN_SIGMAS * float(shuffled_maps.std()))
    better = model_map >= needed_map
    which = (f" over the {len(classes)} most frequent of {int((counted > 0).sum())} classes"
             if len(classes) < (counted > 0).sum() else "")
    compared = (f"mAP {model_map:.3f} vs {baseline_map:.3f} for the class-frequency "
                f"baseline on the same {len(y)} images{which}; its scores shuffled among "
                f"them average {chance_map:.3f}, and a clear lead needs {needed_map:.3f}")
    if better:
        message = f"The model is clearly better than guessing by class frequency ({compared})."
    else:
        message = (f"The model is not clearly better than guessing by class frequency "
                   f"({compared}), so its label-error suggestions are not trustworthy and "
                   "none is offered as a fix. Train a better model first.")
    return ModelVerdict(model_map, baseline_map, chance_map, needed_map, better, message)
