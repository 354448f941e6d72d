"""Deployments: each partner's ingest schedule, score every 10 minutes, weekly export Monday 06:00 Phnom Penh."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from prefect.server.schemas.schedules import CronSchedule

from flows.deployments import SCHEDULED_FLOWS, ScheduledFlow, build_deployments, serve_all
from tests.support.paths import ROOT

PARTNERS = ROOT / "data" / "sample" / "partners.yaml"


def _cron(dep: Any) -> tuple[str, str]:
    (sched,) = dep.schedules
    return sched.schedule.cron, sched.schedule.timezone


def test_schedules() -> None:
    deps = {d.name: d for d in build_deployments(PARTNERS)}
    assert {"ingest-ngo_drop", "ingest-platform_export", "cluster", "score-and-route"} <= set(deps)
    assert _cron(deps["ingest-ngo_drop"]) == ("*/10 * * * *", "Asia/Phnom_Penh")
    assert deps["ingest-ngo_drop"].parameters == {"partner": "ngo_drop", "partners_file": str(PARTNERS)}
    # the weekly export is registered through the hook, not implemented here
    assert any(
        sf.name == "weekly-export" and sf.target == "flows.weekly_export:weekly_export_flow" for sf in SCHEDULED_FLOWS
    )
    if "weekly-export" in deps:
        cron, tz = _cron(deps["weekly-export"])
        start = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo(tz))  # a Wednesday
        (nxt,) = asyncio.run(CronSchedule(cron=cron, timezone=tz).get_dates(n=1, start=start))
        local = nxt.astimezone(ZoneInfo("Asia/Phnom_Penh"))
        assert (local.date().isoformat(), local.hour, local.minute) == ("2026-11-30", 6, 0)  # Monday 06:00
        assert nxt.astimezone(ZoneInfo("UTC")).hour == 23  # i.e. Sunday 23:00 UTC


def test_missing_flow_is_skipped_not_fatal(monkeypatch: Any) -> None:
    later = ScheduledFlow("later", "flows.not_yet:flow", "0 * * * *")
    monkeypatch.setattr("flows.deployments.SCHEDULED_FLOWS", [later])
    names = [d.name for d in build_deployments(PARTNERS)]
    assert "later" not in names and "score-and-route" in names
    served: list[Any] = []
    serve_all(PARTNERS, serve_fn=lambda *deps: served.extend(deps))
    assert [d.name for d in served] == names
