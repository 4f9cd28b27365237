"""What the table shows: a filter over the images, computed as a numpy mask.

Every criterion is a vectorised operation over the whole column (no per-row Python), so a
filter change on 1M rows costs a few tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vocgui.qt.table.columns import REVIEW_SORT_ORDER, TableColumns, ascii_lower

CLASS_MODES: dict[str, str] = {"any": "has any of", "all": "has all of", "none": "has none of"}
#: The model filters (TableFilter.suggestions values) in words.
SUGGESTION_MODES: dict[str, str] = {"has": "has suggestions", "none": "no suggestion",
                                    "confident": "all scores confident"}


@dataclass(frozen=True)
class TableFilter:
    """The table's filter; the default shows every image. Change it with ``replace``."""

    #: Substring of the file name, ignoring the case of A-Z.
    text: str = ""
    #: Classes to filter by, with ``class_mode``: 'any' | 'all' | 'none'.
    classes: tuple[str, ...] = ()
    class_mode: str = "any"
    #: Split to show ('' = images without a split); None = every split.
    split: str | None = None
    #: Review status to show; None = every status.
    review: str | None = None
    #: True: labeled images only; False: unlabeled only; None: both.
    labeled: bool | None = None
    #: Show only images the loader reported a problem about.
    problems_only: bool = False
    #: By the current model: a key of SUGGESTION_MODES; None = every image.
    suggestions: str | None = None
    #: Only images whose uncertainty is at least this (unscored ones never); None = all.
    min_uncertainty: float | None = None
    #: An explicit set of row ids (from another view), with a caption saying what it is.
    rows: np.ndarray | None = field(default=None, compare=False)
    rows_caption: str = ""

    def mask(self, columns: TableColumns) -> np.ndarray:
        """Boolean mask over all rows: True where the row passes every criterion."""
        mask = np.ones(columns.n_rows, dtype=bool)
        if self.text:
            mask &= np.char.find(columns.filename_lower, ascii_lower(self.text)) >= 0
        class_index = {name: j for j, name in enumerate(columns.classes)}
        wanted = [class_index[c] for c in self.classes if c in class_index]
        if wanted:
            has = columns.labels[:, wanted]
            if self.class_mode == "all":
                mask &= has.all(axis=1)
            elif self.class_mode == "none":
                mask &= ~has.any(axis=1)
            else:
                mask &= has.any(axis=1)
        elif self.classes and self.class_mode != "none":
            mask[:] = False  # every named class is gone (deleted or renamed)
        if self.split is not None:
            mask &= columns.split == self.split
        if self.review is not None:
            code = REVIEW_SORT_ORDER.index(self.review) if self.review in REVIEW_SORT_ORDER else -2
            mask &= columns.review == code
        if self.labeled is not None:
            mask &= columns.labeled == self.labeled
        if self.problems_only:
            mask &= columns.n_problems > 0
        if self.suggestions == "has":
            mask &= columns.suggested.any(axis=1)
        elif self.suggestions == "none":
            mask &= ~columns.suggested.any(axis=1)
        elif self.suggestions == "confident":
            mask &= columns.confident
        if self.min_uncertainty is not None:
            with np.errstate(invalid="ignore"):  # NaN (not scored) never passes
                mask &= columns.uncertainty >= self.min_uncertainty
        if self.rows is not None:
            chosen = np.zeros(columns.n_rows, dtype=bool)
            rows = self.rows[(self.rows >= 0) & (self.rows < columns.n_rows)]
            chosen[rows] = True
            mask &= chosen
        return mask

    def uses_suggestions(self) -> bool:
        """Whether the mask depends on the model's suggestions."""
        return self.suggestions is not None or self.min_uncertainty is not None

    def is_empty(self) -> bool:
        return self == TableFilter() and self.rows is None

    def describe(self, include_rows: bool = True) -> str:
        """The filter in words, e.g. "name contains '2008' · has any of dog, cat · train".

        Empty when nothing is filtered. ``include_rows=False`` leaves out the explicit row
        set (which the filter bar shows on its own)."""
        parts = []
        if self.rows is not None and include_rows:
            parts.append(self.rows_caption or f"{len(self.rows):,} chosen images")
        if self.text:
            parts.append(f"name contains '{self.text}'")
        if self.classes:
            parts.append(f"{CLASS_MODES.get(self.class_mode, self.class_mode)} "
                         f"{', '.join(self.classes)}")
        if self.split is not None:
            parts.append(f"split {self.split}" if self.split else "no split")
        if self.review is not None:
            parts.append(self.review)
        if self.labeled is not None:
            parts.append("labeled" if self.labeled else "unlabeled")
        if self.problems_only:
            parts.append("with problems")
        if self.suggestions is not None:
            parts.append(SUGGESTION_MODES.get(self.suggestions, self.suggestions))
        if self.min_uncertainty is not None:
            parts.append(f"uncertainty at least {self.min_uncertainty:g}")
        return " · ".join(parts)
