"""Logging configured once (``models.logs``): JSON lines with the expected keys, Rich without a terminal,
and Prefect's records through the same handler, once."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.logs import HANDLER_NAME, JsonFormatter, LogFormat, configure, default_format
from tests.support.paths import ROOT

KEYS = {"time", "level", "logger", "message"}


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHHMAM_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
        "CHHMAM_DATA_DIR": str(tmp_path),
    }
    env.pop("CHHMAM_LOG_FORMAT", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, text=True, capture_output=True, timeout=300
    )


@pytest.fixture(autouse=True)
def _restore_root() -> object:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    others = {
        name: (logging.getLogger(name).level, logging.getLogger(name).propagate)
        for name in ("httpx", "httpcore", "uvicorn", "fastapi")
    }
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (lvl, propagate) in others.items():
        logging.getLogger(name).setLevel(lvl)
        logging.getLogger(name).propagate = propagate


def test_json_formatter_keys_and_extra_fields() -> None:
    record = logging.LogRecord("chhmam.feeds", logging.WARNING, __file__, 1, "partner %s failed", ("ngo",), None)
    record.partner = "ngo"  # what ``extra={"partner": ...}`` does
    line = json.loads(JsonFormatter().format(record))
    assert set(line) >= KEYS
    assert line["level"] == "WARNING" and line["logger"] == "chhmam.feeds"
    assert line["message"] == "partner ngo failed" and line["partner"] == "ngo"
    assert line["time"].endswith("+00:00")


def test_json_exception_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure(LogFormat.json, logging.INFO)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("chhmam.test").exception("failed", extra={"n": 3})
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["n"] == 3 and "ValueError: boom" in line["exc_info"]


def test_configure_twice_keeps_one_handler_and_drops_prefects(capsys: pytest.CaptureFixture[str]) -> None:
    class PrefectConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]  # stands in for Prefect's
        pass

    root = logging.getLogger()
    root.addHandler(PrefectConsoleHandler(sys.stderr))
    configure(LogFormat.json)
    configure(LogFormat.json)
    ours = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert not any(type(h).__name__ == "PrefectConsoleHandler" for h in root.handlers)
    assert logging.getLogger("uvicorn").propagate  # ``chhmam serve`` logs through the same handler
    logging.getLogger("prefect.flow_runs").warning("flow run failed")
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "flow run failed" in ln]
    assert len(lines) == 1 and json.loads(lines[0])["logger"] == "prefect.flow_runs"


def test_pretty_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert default_format() is LogFormat.json  # pytest's stderr is no terminal
    configure(LogFormat.pretty, "info")
    logging.getLogger("chhmam.test").info("hello %s", "there")
    logging.getLogger("httpx").info("HTTP Request: GET /api/admin/version")  # Prefect client chatter
    err = capsys.readouterr().err
    assert "hello there" in err and "HTTP Request" not in err


def test_cli_log_format_json_emits_json_lines(tmp_path: Path) -> None:
    proc = _run(
        "import sys; from flows.cli import app; sys.argv = ['chhmam', '--log-format', 'json', "
        "'--log-level', 'info', 'db', 'migrate']; app()",
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(ln) for ln in proc.stderr.splitlines() if ln.startswith("{")]
    assert records and all(set(r) >= KEYS for r in records)
    assert any(r["logger"].startswith("alembic") for r in records)
    assert "database at head" in proc.stderr  # command output, not a log record


def test_cli_log_format_pretty_without_a_terminal(tmp_path: Path) -> None:
    proc = _run(
        "import sys; from flows.cli import app; sys.argv = ['chhmam', '--log-format', 'pretty', "
        "'--log-level', 'info', 'db', 'migrate']; app()",
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "INFO" in proc.stderr and not any(ln.startswith("{") for ln in proc.stderr.splitlines())


def test_prefect_imported_after_configure_logs_through_ours_once(tmp_path: Path) -> None:
    """The CLI's order: our handler first, then Prefect's import-time configuration leaves the root alone."""
    proc = _run(
        "import logging, flows; from models.logs import configure; configure('json'); import prefect; "
        "logging.getLogger('prefect.flow_runs').warning('run failed'); "
        "logging.getLogger('chhmam.feeds').warning('feed failed'); "
        "print(sorted(type(h).__name__ for h in logging.getLogger().handlers))",
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['StderrHandler']"
    lines = [json.loads(ln) for ln in proc.stderr.splitlines() if ln.startswith("{")]
    assert [(r["logger"], r["message"]) for r in lines] == [
        ("prefect.flow_runs", "run failed"),
        ("chhmam.feeds", "feed failed"),
    ]
