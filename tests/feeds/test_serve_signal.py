"""`chhmam feeds serve` ends on SIGTERM, also after its Prefect server has gone away.

Without ``PREFECT_API_URL`` the runner starts a temporary Prefect server as its child. Once that
server is gone (killed with its process group's other members, or crashed), Prefect's graceful
stop waits on it forever and SIGTERM was ignored; a supervisor could not stop the service.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.support.paths import ROOT


@pytest.mark.slow
def test_12_serve_stops_on_sigterm_after_its_server_is_gone(sqlite_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_UI_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CHHMAM_DATABASE_URL=sqlite_url,
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "drop").mkdir()
    partners = tmp_path / "partners.yaml"
    partners.write_text("partners:\n  - {name: quiet, kind: dropfolder, path: drop}\n", encoding="utf-8")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "feeds", "serve", "--partners", str(partners), "--stop-grace", "5"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while b"quiet" not in log.read_bytes() and not psutil.Process(serve.pid).children(recursive=True):
            assert serve.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        time.sleep(15)  # the runner is up and polling its server
        for child in psutil.Process(serve.pid).children(recursive=True):
            child.terminate()  # its Prefect server goes away
        time.sleep(3)
        serve.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        serve.wait(timeout=60)
        assert time.monotonic() - t0 < 30
    finally:
        if serve.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=30)
