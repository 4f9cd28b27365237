"""Run a training job in a separate process and read its events. Imports no TensorFlow.

Runs are started through :func:`vocgui.training.run_start.start_run` (the app and the CLI
alike), which records the run and builds a :class:`TrainingProcess`: it writes the
snapshot and the spec into ``out_dir``, spawns ``python -P -m vocgui.training.child``
(:func:`child_command`), and turns the child's JSON lines into event dicts (see
:mod:`vocgui.training.events`) on its own reader thread. That thread is the only hop
between the child and the consumer: it queues each event and calls ``notify()``; the
consumer takes them with :meth:`poll`.
Exactly one ``finished`` event ends the stream, also when the child crashes or is killed
(then it is made up here from the exit code and the end of the child's error log,
``out_dir/child.log``). One thread may read events while another calls :meth:`stop`.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vocgui.core.child_command import module_command
from vocgui.training import events
from vocgui.training.config import TrainConfig

_END = object()
#: Seconds between terminate (SIGTERM) and kill when a child ignores the former.
_TERMINATE_GRACE = 3.0


def child_command(spec_path: Path) -> tuple[list[str], dict[str, str]]:
    """The command line of the training child and the environment it adds (see
    :func:`vocgui.core.child_command.module_command`)."""
    return module_command("vocgui.training.child", str(spec_path))


def _tail(path: Path, max_lines: int = 12, max_bytes: int = 4000) -> str:
    """The last lines of a text file, or "" if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - max_bytes))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-max_lines:])


def _exit_description(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class TrainingProcess:
    """One job (``job``: a name in :data:`vocgui.training.child.JOBS`) in a child process;
    iterate :meth:`events` or call :meth:`poll`.

    ``notify``, if given, is called on the reader thread after each event is queued and
    once more when the stream has ended (a Qt consumer passes a signal's ``emit``).
    """

    def __init__(self, snapshot, config: TrainConfig, out_dir: str | os.PathLike,
                 env: dict[str, str] | None = None, job: str = "train",
                 notify: Callable[[], None] | None = None,
                 job_args: dict[str, Any] | None = None) -> None:
        """``job_args`` (JSON-able) are passed to the job function as keyword arguments."""
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        snapshot_path = self.out_dir / "snapshot.csv"
        snapshot.to_csv(snapshot_path)
        self.spec_path = self.out_dir / "spec.json"
        self.spec_path.write_text(json.dumps({
            "job": job, "snapshot": str(snapshot_path), "config": config.to_dict(),
            "out_dir": str(self.out_dir), "args": job_args or {}}, indent=2),
            encoding="utf-8")
        self._notify = notify or (lambda: None)
        self.log_path = self.out_dir / "child.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in close()
        command, command_env = child_command(self.spec_path)
        # The Keras backend is fixed when Keras is first imported: the child's is the run's.
        child_env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
                     "KERAS_BACKEND": config.backend, **command_env, **(env or {})}
        self._proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            env=child_env, text=True, encoding="utf-8", errors="replace", bufsize=1,
        )
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._stop_requested = False
        self._terminated_by_us = False
        self._watchdog: threading.Thread | None = None
        self._ended = False
        self._reader = threading.Thread(target=self._read, daemon=True,
                                        name="training-events")
        self._reader.start()

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        """The child's exit code once it has ended, else None."""
        return self._proc.poll()

    def running(self) -> bool:
        return self._proc.poll() is None

    # -- events -----------------------------------------------------------------
    def _read(self) -> None:
        """Reader thread: child's lines -> queue; synthesises ``finished`` if missing."""
        finished = False
        for line in self._proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
                events.validate(event)
            except (ValueError, AttributeError):
                event = events.log(f"child: {line}", level="warning")
            finished = finished or event["type"] == "finished"
            self._queue.put(event)
            self._notify()
        code = self._proc.wait()
        if not finished:
            self._queue.put(self._synthetic_finish(code))
        self._queue.put(_END)
        self._notify()

    def _synthetic_finish(self, code: int) -> dict[str, Any]:
        tail = _tail(self.log_path)
        if self._terminated_by_us:
            return events.finished("stopped", "Stopped: the training process did not stop "
                                   "in time and was terminated.", None, "stopped")
        message = (f"The training process ended without finishing ({_exit_description(code)})."
                   + (f" Last output:\n{tail}" if tail else ""))
        return {**events.finished("failed", message, None, "crashed"), "exit_code": code}

    def poll(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event, or None after ``timeout`` seconds or once the stream has ended."""
        if self._ended:
            return None
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            self._ended = True
            return None
        return item

    def events(self, timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """Every event until the stream ends (the last one is ``finished``).

        With ``timeout``, stops early when no event arrives for that many seconds.
        """
        while True:
            event = self.poll(timeout)
            if event is None:
                return
            yield event

    @property
    def ended(self) -> bool:
        """True once the reader has delivered the final event."""
        return self._ended

    # -- stopping ---------------------------------------------------------------
    def stop(self, timeout: float = 10.0, wait: bool = False) -> None:
        """Ask the child to stop; terminate, then kill it if it has not ended after
        ``timeout`` seconds. Returns at once unless ``wait``. Safe to call repeatedly and
        from any thread."""
        with self._lock:
            if not self._stop_requested:
                self._stop_requested = True
                try:
                    self._proc.stdin.write("stop\n")
                    self._proc.stdin.flush()
                except (BrokenPipeError, OSError, ValueError):
                    pass  # already gone: the reader reports how it ended
                self._watchdog = threading.Thread(target=self._enforce_stop, args=(timeout,),
                                                  daemon=True, name="training-stop")
                self._watchdog.start()
            watchdog = self._watchdog
        if wait:
            watchdog.join()

    def _enforce_stop(self, timeout: float) -> None:
        try:
            self._proc.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            pass
        self._terminated_by_us = True
        self._proc.terminate()
        try:
            self._proc.wait(_TERMINATE_GRACE)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def kill(self) -> None:
        """End the child at once (its run is reported as failed)."""
        self._proc.kill()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the run if it is still going (waiting for it) and release everything."""
        if self.running():
            self.stop(timeout, wait=True)
        self._proc.wait()
        self._reader.join(timeout=5.0)
        for stream in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._log.close()

    def __enter__(self) -> TrainingProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
