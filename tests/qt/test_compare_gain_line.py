"""The compare view's headline: each run's mAP and macro F1 and the gain, from the
comparison's (macro) row; an unchanged metric reads +0.000, never -0.000."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vocgui.qt.review.compare_view import gain_line


def test_the_headline_reads_the_macro_row() -> None:
    f1_a = 0.1 + 0.2  # 0.30000000000000004: b - a is -5.6e-17, which "{:+.3f}" shows as -0.000
    macro = {"ap_a": 0.58, "ap_b": 0.71, "ap_delta": 0.71 - 0.58,
             "f1_a": f1_a, "f1_b": 0.3, "f1_delta": 0.3 - f1_a}
    frame = pd.DataFrame([macro, {k: np.nan for k in macro}], index=["(macro)", "cat"])
    frame = frame.loc[["cat", "(macro)"]]
    assert gain_line(frame, 1, 2) == ("mAP 0.580 → 0.710 (+0.130), macro F1 0.300 → 0.300 "
                                      "(+0.000) from run 1 to run 2")
