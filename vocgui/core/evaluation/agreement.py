"""How far two annotators agree on the agreement sample: Cohen's kappa per class.

For each class, over the sample images both annotators labeled: how many both said
present (both_yes), only A or only B said present, and both said absent (both_no), and
Cohen's kappa, (p_o - p_e) / (1 - p_e). ``overall`` pools every (image, class) cell.
Where chance agreement is certain (both annotators said absent, or present, for every
image) kappa is undefined: None, shown as "n/a", never NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vocgui.core.project.agreement_edits import AgreementLabels


@dataclass(frozen=True)
class ClassAgreement:
    """The 2x2 counts of one class (or of every cell, for ``overall``) and its kappa."""

    name: str
    both_yes: int
    only_a: int
    only_b: int
    both_no: int
    kappa: float | None


@dataclass(frozen=True)
class Disagreement:
    """One sample image the two annotators labeled differently."""

    row: int
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    settled: bool


@dataclass(frozen=True)
class AgreementReport:
    """Annotators ``a`` and ``b`` on the ``n_images`` sample images both labeled."""

    a: str
    b: str
    n_images: int
    per_class: tuple[ClassAgreement, ...]
    overall: ClassAgreement
    disagreements: tuple[Disagreement, ...]


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's kappa of two raters' yes/no answers (bool arrays of one length); None
    when it is undefined (no answers, or chance agreement is certain)."""
    a, b = np.asarray(a, dtype=bool).ravel(), np.asarray(b, dtype=bool).ravel()
    n = len(a)
    if n == 0:
        return None
    observed = float((a == b).mean())
    pa, pb = a.mean(), b.mean()
    chance = float(pa * pb + (1 - pa) * (1 - pb))
    if chance >= 1.0:
        return None
    return (observed - chance) / (1.0 - chance)


def kappa_text(kappa: float | None) -> str:
    """'0.73', or 'n/a' where kappa is undefined."""
    # + 0.0 turns a rounding -0.0 (kappa -1e-17 for exactly chance agreement) into 0.0
    return "n/a" if kappa is None else f"{round(kappa, 2) + 0.0:.2f}"


def _counts(name: str, a: np.ndarray, b: np.ndarray) -> ClassAgreement:
    return ClassAgreement(name, int((a & b).sum()), int((a & ~b).sum()),
                          int((~a & b).sum()), int((~a & ~b).sum()), cohen_kappa(a, b))


def agreement_report(labels: AgreementLabels, a: str | None = None,
                     b: str | None = None) -> AgreementReport:
    """The per-class table of annotators ``a`` and ``b`` (default: the two who labeled
    the most sample images). ValueError when fewer than two annotators labeled any."""
    annotators = labels.annotators()
    if a is None or b is None:
        if len(annotators) < 2:
            raise ValueError("the agreement sample needs labels from two annotators; "
                             f"it has {len(annotators)} ({', '.join(annotators) or 'none'})")
        a, b = (a, b) if a is not None else (annotators[0], b)
        b = b if b is not None else next(w for w in annotators if w != a)
    for who in (a, b):
        if who not in labels.by_user:
            raise ValueError(f"{who!r} has labeled no image of the agreement sample")
    if a == b:
        raise ValueError("agreement needs two different annotators")
    rows_a, matrix_a = labels.by_user[a]
    rows_b, matrix_b = labels.by_user[b]
    rows, in_a, in_b = np.intersect1d(rows_a, rows_b, return_indices=True)
    ya, yb = matrix_a[in_a], matrix_b[in_b]
    per_class = tuple(_counts(name, ya[:, j], yb[:, j])
                      for j, name in enumerate(labels.classes))
    settled = dict(zip(labels.rows.tolist(), labels.settled.tolist(), strict=True))
    names = np.asarray(labels.classes, dtype=object)
    disagreements = tuple(
        Disagreement(int(row), tuple(names[ya[i] & ~yb[i]]), tuple(names[~ya[i] & yb[i]]),
                     settled.get(int(row), False))
        for i, row in enumerate(rows) if (ya[i] != yb[i]).any())
    return AgreementReport(a, b, len(rows), per_class, _counts("overall", ya, yb),
                           disagreements)


def report_lines(report: AgreementReport) -> list[str]:
    """The report as a plain-text table (what ``vocgui agreement`` prints)."""
    width = max([len(c.name) for c in report.per_class] + [len("overall")])
    head = (f"{'class':<{width}}  both-yes  only-{report.a[:8]:<8}  only-{report.b[:8]:<8}"
            f"  both-no  kappa")
    lines = [f"{report.a} and {report.b}: {report.n_images} sample images labeled by both",
             head]
    for c in (*report.per_class, report.overall):
        lines.append(f"{c.name:<{width}}  {c.both_yes:>8}  {c.only_a:>13}  {c.only_b:>13}"
                     f"  {c.both_no:>7}  {kappa_text(c.kappa):>5}")
    open_ = sum(not d.settled for d in report.disagreements)
    lines.append(f"{len(report.disagreements)} images disagree, {open_} not settled")
    return lines
