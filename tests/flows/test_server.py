"""The schedules for real: `prefect server start`, `chhmam feeds serve`, a deployment run that ingests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.schema import Post
from tests.support.paths import ROOT

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_prefect_server_serve_and_scheduled_deployments(sqlite_url: str, tmp_path: Path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = dict(
        os.environ,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_URL=api,
        PREFECT_UI_ENABLED="false",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        CHHMAM_DATABASE_URL=sqlite_url,
    )
    partners = tmp_path / "partners.yaml"
    partners.write_text(
        f"partners:\n  - name: ngo_drop\n    kind: dropfolder\n"
        f"    path: {ROOT / 'data' / 'sample' / 'drop' / 'ngo'}\n    mapping: {{id: external_id}}\n",
        encoding="utf-8",
    )
    server_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    procs = [
        subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=server_env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "prefect server did not start"
            time.sleep(0.5)
        procs.append(
            subprocess.Popen(
                [str(BIN / "chhmam"), "feeds", "serve", "--partners", str(partners)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 120
        while True:  # the deployment exists once `serve` has registered it
            run = subprocess.run(
                [str(BIN / "prefect"), "deployment", "run", "ingest/ingest-ngo_drop"],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
            )
            if run.returncode == 0:
                break
            assert procs[-1].poll() is None, "chhmam feeds serve exited"
            assert time.monotonic() < deadline, run.stdout + run.stderr
            time.sleep(1)
        inspect = subprocess.run(
            [str(BIN / "prefect"), "deployment", "inspect", "weekly-export/weekly-export"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert "0 6 * * 1" in inspect.stdout and "Asia/Phnom_Penh" in inspect.stdout, inspect.stdout + inspect.stderr
        deadline = time.monotonic() + 120
        while True:  # the served process picks the run up and ingests
            with session_scope() as s:
                if s.scalar(select(func.count(Post.id))) == 150:
                    break
            assert time.monotonic() < deadline, "the deployment run did not ingest the feed"
            time.sleep(1)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
