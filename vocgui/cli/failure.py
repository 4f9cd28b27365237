"""How a subcommand refuses: one line on stderr naming the command, and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable


def failure(command: str) -> Callable[..., int]:
    """A ``fail(message, code=2) -> code`` that prints ``vocgui COMMAND: message`` to
    stderr, so every subcommand words its refusals the same way."""

    def fail(message: object, code: int = 2) -> int:
        print(f"vocgui {command}: {message}", file=sys.stderr)
        return code

    return fail
