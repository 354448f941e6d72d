"""The weekly export flow: the ministry's files for one ISO week (Asia/Phnom_Penh).

This is the Prefect wrapper (schedule, audit event, output folder); what goes into the files and
how they are written is ``reports.weekly`` and ``reports.export``.

Scheduled every Monday 06:00 Phnom Penh time (``flows/deployments.py``); with no week given it
exports the last *complete* week, so the Monday run reports Monday-to-Sunday just ended.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from reports.export import write_export
from reports.weekly import build_week
from reports.weeks import IsoWeek
from store.audit import record_event
from store.db import migrate, session_scope
from store.paths import CHECKOUT
from store.settings import get_settings

log = logging.getLogger("chhmam.flows")


def exports_root() -> Path:
    """``CHHMAM_EXPORT_DIR`` if set, else ``exports/`` in the repository (git-ignored)."""
    return get_settings().export_dir


def default_week(now: datetime | None = None) -> IsoWeek:
    """The last complete Cambodian ISO week before ``now``."""
    return IsoWeek.of(now or datetime.now(UTC)).shift(-1)


def code_commit(root: Path = CHECKOUT) -> str:
    """The git commit of the code that wrote an export (``+dirty`` with uncommitted changes; else unknown).

    With the database it fixes what an export says: the same commit on the same data gives the same bytes.
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


@task(cache_policy=NO_CACHE)
def export_week(week: str, out_root: str) -> dict[str, object]:
    """Compute, suppress and write one week; returns the folder, file names and unmatched locations."""
    wk = IsoWeek.parse(week)
    with session_scope() as session:
        counts, published = build_week(session, wk)
    out = write_export(published, Path(out_root), {"code_commit": code_commit()})
    manifest = out / "manifest.json"
    with session_scope() as session:
        record_event(
            session,
            "export_written",
            "weekly_export",
            str(wk),
            {"folder": str(out), "manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest()},
        )
    return {
        "week": str(wk),
        "folder": str(out),
        "files": sorted(p.name for p in out.iterdir()),
        "unmatched_locations": counts.unmatched.most_common(),
    }


@flow(name="weekly-export")
def weekly_export_flow(week: str | None = None, out_root: str | None = None) -> dict[str, object]:
    """Export ``week`` (default: last complete week) to ``exports/<YYYY-Www>/``."""
    migrate()
    result = export_week(week or str(default_week()), out_root or str(exports_root()))
    log.info("exported %s -> %s", result["week"], result["folder"])
    return result
