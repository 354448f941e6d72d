"""Logging, configured once per process by its entry point: JSON lines for machines, Rich for people.

Every package logs through the standard library under ``chhmam.*`` and never configures handlers
itself; the entry point chooses the format once: the ``chhmam`` command line (``--log-format``,
``--log-level``) and the DVC stage dispatcher (``models.stage``). It lives in ``models`` because the
ML pipeline runs from ``models/`` and ``features/`` alone (``dvc repro``, the tiny pipeline copies
the tests and the retraining flow build), and the command line, on top, can import it from there.
It needs nothing but the standard library and Rich.

One handler on the root logger carries everything, so third-party records look like ours:

* **Prefect** configures logging when it is imported. If our handler is already on the root
  logger, Prefect leaves the root alone and its loggers (``prefect.flow_runs``, ``prefect.task_runs``,
  …) propagate to it; if Prefect came first, its console handler is taken off the root here, so a
  record is never printed twice. Prefect's API handler (flow-run logs in the Prefect UI) stays.
* **uvicorn** (``chhmam serve``) runs with ``log_config=None``, which keeps this configuration; its
  loggers are made to propagate here in case Prefect, imported in the same process, claimed them.

``json`` writes one object per line to stderr: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
``message``, every ``extra=`` field of the call, and ``exc_info`` for exceptions. ``pretty`` is
Rich's ``RichHandler`` (time, level, message), for a person at a terminal. The default is ``pretty``
when stderr is a terminal and ``json`` otherwise (services, cron, CI, ``dvc repro`` under the
retraining flow): whoever reads logs without a terminal is usually a program.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.logging import RichHandler

HANDLER_NAME = "chhmam"
# Loggers Prefect's default configuration gives its own console handler, with propagation off.
PREFECT_CLAIMED = ("uvicorn", "fastapi")
# One INFO line per HTTP request (Prefect's client talks to its server on every state change):
# shown at DEBUG only, so ``--log-level info`` stays about our work.
CHATTY = ("httpx", "httpcore")
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class LogFormat(StrEnum):
    """How log records are written to stderr."""

    json = "json"
    pretty = "pretty"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the call's ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes to whatever ``sys.stderr`` is when a record arrives.

    Resolving it late keeps logging working when stderr is swapped after configuration (Typer's
    test runner, pytest's capture), instead of writing to a stream that has since been closed.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def default_format(stream: TextIO | None = None) -> LogFormat:
    """``pretty`` for a terminal, ``json`` for everything else."""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return LogFormat.pretty if tty else LogFormat.json


def make_handler(fmt: LogFormat | str) -> logging.Handler:
    """The handler for ``fmt``, writing to the current stderr."""
    handler: logging.Handler
    if LogFormat(fmt) is LogFormat.json:
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(
            console=Console(stderr=True), show_path=False, markup=False, rich_tracebacks=False, log_time_format="[%X]"
        )
        # Prefect only treats a root handler with a formatter as the application's own.
        handler.setFormatter(logging.Formatter("%(message)s"))
    handler.set_name(HANDLER_NAME)
    return handler


def configure(fmt: LogFormat | str | None = None, level: int | str = logging.WARNING) -> logging.Handler:
    """Install the one root handler for ``fmt`` (default: by terminal) at ``level``; returns it.

    Calling it again replaces the previous configuration instead of adding a second handler.
    """
    handler = make_handler(fmt or default_format())
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == HANDLER_NAME or type(old).__name__ == "PrefectConsoleHandler":
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING)
    for name in PREFECT_CLAIMED:
        claimed = logging.getLogger(name)
        for old in list(claimed.handlers):
            if type(old).__name__ == "PrefectConsoleHandler":
                claimed.removeHandler(old)
        claimed.propagate = True
    return handler
