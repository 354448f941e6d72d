"""Dask workers run the flow's tasks against the flow's Prefect API, not temporary servers of their own."""

from __future__ import annotations

import os

import psutil
import pytest
from distributed import Client, LocalCluster
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import get_current_settings

from flows.pipeline import make_task_runner
from store.settings import get_settings


@task(cache_policy=NO_CACHE)
def _api_seen_by_worker() -> tuple[int, str | None]:
    """(worker process id, the Prefect API URL the task run reports to)."""
    url = get_current_settings().api.url
    return os.getpid(), str(url) if url else None


def _children() -> int:
    return len(psutil.Process().children(recursive=True))


def test_12_dask_workers_use_the_flows_prefect_api(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        monkeypatch.setenv("CHHMAM_DASK_ADDRESS", cluster.scheduler_address)
        get_settings.cache_clear()
        runner = make_task_runner()

        @flow(task_runner=runner)
        def probe() -> tuple[int, str | None]:
            return _api_seen_by_worker.submit().result()

        worker_pid, url = probe()
        assert worker_pid != os.getpid()  # it did run on the worker
        assert url and url.startswith("http://127.0.0.1:")  # the flow process's API, named to the worker
        # No temporary Prefect server was started on the worker (it would be a child process there).
        assert list(client.run(_children).values()) == [0]
