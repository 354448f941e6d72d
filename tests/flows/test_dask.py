"""Scale-out: with CHHMAM_DASK_ADDRESS set, the flows run their tasks on that Dask cluster."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, get_task_stream
from sqlalchemy import func, select

from flows.partners import load_partners
from flows.pipeline import cluster_flow, ingest_flow, make_task_runner, score_flow
from store.db import session_scope
from store.schema import Post, Score
from store.settings import get_settings
from tests.support.paths import ROOT

PARTNERS = ROOT / "data" / "sample" / "partners.yaml"


def _ingest_sample() -> int:
    for p in load_partners(PARTNERS):
        ingest_flow(p)
    cluster_flow()
    with session_scope() as s:
        return int(s.scalar(select(func.count(Post.id))) or 0)


def _score_on(address: str, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    monkeypatch.setenv("CHHMAM_DASK_ADDRESS", address)
    get_settings.cache_clear()
    runner = make_task_runner()
    assert type(runner).__name__ == "DaskTaskRunner"
    with Client(address) as client, get_task_stream(client=client) as stream:
        scored, _, _, _ = score_flow.with_options(task_runner=runner)(str(model_dir), chunk=100)
    return scored, len(stream.data)


def test_score_flow_on_a_local_dask_cluster(sqlite_url: str, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = _ingest_sample()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        scored, ran = _score_on(cluster.scheduler_address, model_dir, monkeypatch)
    assert scored == n == 300
    assert ran >= 3  # one Dask task per id range of 100 posts (plus routing)
    with session_scope() as s:
        assert s.scalar(select(func.count(func.distinct(Score.post_id)))) == n


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dask_processes(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` + two ``dask worker`` processes on 127.0.0.1, as an operator would start them."""
    exe = shutil.which("dask") or str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    procs = [
        subprocess.Popen(
            [exe, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [exe, "worker", address, "--nthreads", "1", "--no-dashboard", "--local-directory", str(tmp_path)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout=5) as c:
                    if len(c.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "dask cluster did not come up"
            time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.mark.slow
def test_score_flow_on_dask_scheduler_and_workers(
    db_url: str, model_dir: Path, dask_processes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = _ingest_sample()
    scored, ran = _score_on(dask_processes, model_dir, monkeypatch)
    assert scored == n == 300 and ran >= 3
    with session_scope() as s:
        assert s.scalar(select(func.count(func.distinct(Score.post_id)))) == n
