"""A python command that file permissions apply to, for tests of unreadable files.

Root ignores file permissions, so as root the child keeps uid 0 but loses the
capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) via setpriv.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest


def unprivileged_python() -> list[str]:
    """The command prefix; skips the test where permissions cannot be enforced."""
    if os.geteuid() != 0:
        return [sys.executable]
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search",
            "--", sys.executable]
