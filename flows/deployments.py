"""Scheduled deployments: ingest every partner every 10 minutes, score and route, weekly export.

Run them with a Prefect server and this process serving them (no Prefect Cloud, no work pool)::

    prefect server start                                   # terminal 1 (http://127.0.0.1:4200)
    PREFECT_API_URL=http://127.0.0.1:4200/api chhmam feeds serve   # terminal 2

``serve`` keeps running and starts each scheduled run in this process; stopping it pauses the
schedules. Every flow also runs with no server at all (Prefect's ephemeral mode), e.g.
``chhmam pipeline`` or ``chhmam feeds ingest``.

Other flows plug in through ``SCHEDULED_FLOWS``: the weekly export (``reports/``) is registered below
by import, so this file does not implement exports; a retraining flow can be added the same way.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import serve
from prefect.schedules import Cron

from flows.partners import load_partners
from flows.pipeline import cluster_flow, ingest_flow, score_flow
from store.db import migrate

log = logging.getLogger("chhmam.flows")
TIMEZONE = "Asia/Phnom_Penh"
INGEST_CRON = "*/10 * * * *"
SCORE_CRON = "2-59/10 * * * *"  # two minutes after each ingest
WEEKLY_EXPORT_CRON = "0 6 * * 1"  # Monday 06:00 Phnom Penh time


@dataclass(frozen=True)
class ScheduledFlow:
    """A flow found by import path and the cron it runs on (the hook other issues register in)."""

    name: str
    target: str  # "module:flow_object"
    cron: str
    timezone: str = TIMEZONE
    parameters: dict[str, Any] | None = None

    def load(self) -> Any | None:
        """The flow object, or None while the module that defines it has not landed yet."""
        module, _, attr = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            log.warning("scheduled flow %s not available (%s): %s", self.name, self.target, exc)
            return None


# Registration point for flows owned by other packages. The weekly export (reports/) is
# ``flows.weekly_export:weekly_export_flow``; add the retraining flow here when it should run on a schedule.
SCHEDULED_FLOWS: list[ScheduledFlow] = [
    ScheduledFlow("weekly-export", "flows.weekly_export:weekly_export_flow", WEEKLY_EXPORT_CRON),
]


def build_deployments(partners_file: Path) -> list[Any]:
    """Every deployment this installation runs, ready for ``prefect.serve``."""
    deployments: list[Any] = []
    for p in load_partners(partners_file):
        deployments.append(
            ingest_flow.to_deployment(
                name=f"ingest-{p.name}",
                parameters={"partner": p.name, "partners_file": str(partners_file.resolve())},
                schedule=Cron(p.schedule or INGEST_CRON, timezone=p.timezone),
                tags=["ingest", p.kind],
            )
        )
    deployments.append(
        cluster_flow.to_deployment(name="cluster", schedule=Cron(SCORE_CRON, timezone=TIMEZONE), tags=["cluster"])
    )
    deployments.append(
        score_flow.to_deployment(name="score-and-route", schedule=Cron(SCORE_CRON, timezone=TIMEZONE), tags=["score"])
    )
    for sf in SCHEDULED_FLOWS:
        fl = sf.load()
        if fl is not None:
            deployments.append(
                fl.to_deployment(
                    name=sf.name, schedule=Cron(sf.cron, timezone=sf.timezone), parameters=sf.parameters or {}
                )
            )
    return deployments


def serve_all(partners_file: Path, serve_fn: Callable[..., Any] = serve) -> None:
    """Register the deployments with the Prefect server and run their schedules until stopped."""
    migrate()  # the scheduled flows assume the schema is there
    serve_fn(*build_deployments(partners_file))
