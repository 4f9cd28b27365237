"""How fast the command line answers: ``vocgui --help`` and a bare ``vocgui review``.

Run: python benchmarks/bench_cli_startup.py [--runs N]
Each run starts a fresh ``python -m vocgui ...`` process. Baseline, same run: a bare
``python -c "import argparse"`` process (the interpreter's own start). Target: each under
0.5 s. The last line is the ratio ``vocgui --help`` / bare interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def seconds(args: list[str], runs: int, expect: int) -> float:
    """Median wall time of ``python ARGS`` over ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *args], capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
        if done.returncode != expect:
            raise SystemExit(f"{args}: exit {done.returncode}\n{done.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    bare = seconds(["-c", "import argparse"], runs, 0)
    help_s = seconds(["-m", "vocgui", "--help"], runs, 0)
    review_s = seconds(["-m", "vocgui", "review"], runs, 2)
    print(f"bare interpreter: {bare:.3f} s (median of {runs})")
    print(f"vocgui --help: {help_s:.3f} s (target 0.5 s)")
    print(f"vocgui review (usage error): {review_s:.3f} s (target 0.5 s)")
    print(f"vocgui --help / bare interpreter: {help_s / bare:.2f}x")


if __name__ == "__main__":
    main()
