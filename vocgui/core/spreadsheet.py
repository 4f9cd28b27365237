"""CSV cells that a spreadsheet opens as text, never as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is run as a formula by Excel, LibreOffice and
Google Sheets: a class name like ``=HYPERLINK(...)`` from a hostile annotation would
become a live formula in a report (CSV injection). Such cells get a leading apostrophe,
the escape spreadsheets themselves use for "this is text" (OWASP's advice).
"""

from __future__ import annotations

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` with an apostrophe in front when it is a string a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index are :func:`safe_cell`;
    numbers stay numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    safe.columns = [safe_cell(name) for name in safe.columns]
    if not pd.api.types.is_numeric_dtype(safe.index):
        safe.index = safe.index.map(safe_cell)
    return safe
