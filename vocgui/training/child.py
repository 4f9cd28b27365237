"""Entry point of the training process: ``python -m vocgui.training.child SPEC.json``.

SPEC holds ``job`` (a name in :data:`JOBS`; "train" when absent), ``snapshot`` (path of a
LabelSnapshot CSV), ``config`` (TrainConfig dict), ``out_dir`` and ``args`` (more keyword
arguments of the job, e.g. ``score``: the CSV of the images the model scores). Events go to the
parent as JSON lines on the *original* stdout; file descriptor 1 is then pointed at
stderr, so whatever TensorFlow, Keras or a library prints lands in the error log and can
never corrupt the event stream. A line "stop" on stdin, or stdin closing (the parent went
away), asks the run to stop.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from pathlib import Path

from vocgui.training import events
from vocgui.training.reporter import JsonLinesReporter

#: What a child can run: job name -> "module:function", the function taking
#: ``(snapshot, config, out_dir, reporter, **args)`` and returning a result with a
#: ``status``. Imported only once stdout is redirected (the modules import TensorFlow).
JOBS = {"train": "vocgui.training.job:run_training",
        "score": "vocgui.training.score_job:run_scoring",
        "features": "vocgui.training.features_job:run_features_only"}


def _event_stream():
    """A text stream on a private copy of stdout; stdout itself now goes to stderr."""
    sys.stdout.flush()
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "w", encoding="utf-8", buffering=1)


def _watch_stdin(stop: threading.Event) -> None:
    """Sets ``stop`` on a "stop" line or when stdin closes."""
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    stop.set()


def main(argv: list[str] | None = None) -> int:
    """Run the training described by the spec file; 0 unless the run failed."""
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    stop = threading.Event()
    reporter = JsonLinesReporter(_event_stream(), stop)
    threading.Thread(target=_watch_stdin, args=(stop,), daemon=True,
                     name="stop-watcher").start()
    try:
        spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        from vocgui.core.project.snapshot import LabelSnapshot
        from vocgui.training.config import TrainConfig

        snapshot = LabelSnapshot.from_csv(spec["snapshot"])
        config = TrainConfig.from_dict(spec["config"])
        module_name, function_name = JOBS[spec.get("job", "train")].split(":")
    except (IndexError, OSError, ValueError, KeyError, TypeError) as exc:
        reporter.on_event(events.finished("failed", f"Bad training spec {argv[:1]}: {exc}",
                                          None, "bad_config"))
        return 2
    from vocgui.training.devices import INSTALL_HINT, backend_available

    if not backend_available(config.backend):
        reporter.on_event(events.finished(
            "failed", f"The {config.backend} backend is not installed: "
            f"{INSTALL_HINT[config.backend]}, or choose another backend.", None,
            "bad_config"))
        return 2
    # Keras (and its backend) is imported only now, after stdout was redirected.
    job = getattr(importlib.import_module(module_name), function_name)
    result = job(snapshot, config, spec["out_dir"], reporter, **spec.get("args", {}))
    return 1 if result.status == "failed" else 0


if __name__ == "__main__":
    code = main()
    # Everything is written and flushed by now; skip the interpreter's and TensorFlow's
    # teardown, which takes seconds and could only delay (or hang) the exit.
    sys.stderr.flush()
    os._exit(code)
