"""``chhmam feeds …``: partner feeds from the command line (ingest, quarantine, simulator, schedules)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from store.paths import SOURCE

feeds_app = typer.Typer(help="Partner feeds: ingest, quarantine, simulator, schedules.", no_args_is_help=True)
SAMPLE_PARTNERS = SOURCE.sample_partners
err = Console(stderr=True)


@feeds_app.command("quarantine")
def quarantine_cmd(
    source: Annotated[str | None, typer.Option(help="Only this partner.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    width: Annotated[int, typer.Option(help="Characters of the raw payload to show.")] = 60,
) -> None:
    """List quarantined records: when, which partner, why, and the start of the raw payload."""
    from store.db import migrate, session_scope
    from store.posts import count_quarantine, list_quarantine

    migrate()
    with session_scope() as session:
        rows = list_quarantine(session, source, limit)
        total = count_quarantine(session, source)
    table = Table(title=f"Quarantine ({len(rows)} of {total})")
    for col in ("id", "received", "source", "reason", "raw"):
        table.add_column(col, overflow="fold")
    for q in rows:
        table.add_row(
            str(q.id),
            q.received_at.strftime("%Y-%m-%d %H:%M"),
            q.source,
            q.reason[:200],
            q.raw[:width].replace("\n", " "),
        )
    Console().print(table)


@feeds_app.command("ingest")
def ingest_cmd(
    partners: Annotated[Path, typer.Option(help="Partner feeds YAML.")] = SAMPLE_PARTNERS,
    partner: Annotated[list[str] | None, typer.Option(help="Only these partners (repeatable).")] = None,
    cluster: Annotated[bool, typer.Option(help="Cluster near-duplicates afterwards.")] = True,
) -> None:
    """Ingest partner feeds (Prefect flow per partner) from their stored cursors."""
    from flows.partners import load_partners
    from flows.pipeline import cluster_flow, ingest_flow
    from store.db import migrate

    migrate()
    chosen = [p for p in load_partners(partners) if not partner or p.name in partner]
    if partner and len(chosen) != len(set(partner)):
        raise typer.BadParameter(f"unknown partner in {partner}")
    table = Table(title="Ingest")
    for col in ("partner", "read", "stored", "duplicates", "edited", "quarantined", "cursor", "error"):
        table.add_column(col, overflow="fold")
    failed: list[str] = []
    for p in chosen:  # every partner is read, whatever happened to the one before
        res = ingest_flow(p)
        if res.error is not None:
            failed.append(p.name)
        table.add_row(
            p.name,
            str(res.read),
            str(res.stored),
            str(res.duplicates),
            str(res.edited),
            str(res.quarantined),
            str(res.cursor or ""),
            res.error or (f"skipped: {res.skipped}" if res.skipped else ""),
        )
    Console().print(table)
    if cluster:
        err.print(f"clustered {cluster_flow()} posts")
    if failed:
        err.print(f"failed partners: {', '.join(failed)}")
        raise typer.Exit(1)


@feeds_app.command("replay")
def replay_cmd(
    source: Annotated[str, typer.Argument(help="The partner whose quarantined records to replay.")],
    partners: Annotated[Path, typer.Option(help="Partner feeds YAML (for the field mapping).")] = SAMPLE_PARTNERS,
    record_id: Annotated[list[int] | None, typer.Option("--id", help="Only these quarantine ids.")] = None,
    fixed: Annotated[Path | None, typer.Option(help="A fixed payload (JSON object) for the one --id.")] = None,
) -> None:
    """Re-ingest quarantined records that pass today's rules (after a fix in the mapping or limits).

    Each record is judged again from its whole stored payload, or from ``--fixed`` for one record
    an operator corrected by hand. Records that pass are stored and their quarantine rows marked
    replayed (they stay, as the audit trail); the others stay in quarantine with today's reason.
    """
    from feeds.base import Batch
    from feeds.parse import replay_payload
    from feeds.records import PostRecord
    from flows.partners import load_partners
    from flows.pipeline import store_batch
    from store.db import migrate, session_scope
    from store.posts import mark_replayed, quarantine_payload, quarantine_rows

    if fixed is not None and len(record_id or []) != 1:
        raise typer.BadParameter("--fixed replaces the payload of exactly one --id")
    migrate()
    partner = next((p for p in load_partners(partners) if p.name == source), None) if partners.exists() else None
    with session_scope() as session:
        rows = [
            (q.id, fixed.read_bytes() if fixed else quarantine_payload(q))
            for q in quarantine_rows(session, source, record_id)
        ]
    table = Table(title=f"Replay of {source}")
    for col in ("id", "result"):
        table.add_column(col, overflow="fold")
    done: list[int] = []
    for qid, payload in rows:
        parsed = replay_payload(source, payload, partner.mapping if partner else None)
        if isinstance(parsed, PostRecord):
            counts = store_batch(source, partner.kind if partner else "replay", Batch(records=[parsed]))
            done.append(qid)
            table.add_row(str(qid), "stored" if counts.new else "already stored")
        else:
            table.add_row(str(qid), f"still refused: {parsed.reason[:200]}")
    with session_scope() as session:
        mark_replayed(session, done)
    Console().print(table)
    err.print(f"replayed {len(done)} of {len(rows)} quarantined records of {source}")


@feeds_app.command("simulator")
def simulator_cmd(
    port: Annotated[int, typer.Option()] = 8765,
    posts: Annotated[int, typer.Option(help="How many posts it serves.")] = 2000,
    fault: Annotated[list[str] | None, typer.Option(help="kind[:page[:times[:seconds]]]")] = None,
    token: Annotated[str | None, typer.Option(help="Require this bearer token.")] = None,
) -> None:
    """Serve the partner-feed simulator on 127.0.0.1 (for demos and manual tests)."""
    from feeds.simulator import main

    argv = ["--port", str(port), "--posts", str(posts)] + (["--token", token] if token else [])
    for f in fault or []:
        argv += ["--fault", f]
    main(argv)


STOP_GRACE_S = 30.0


def _exit_after(grace_s: float, signum: int) -> None:
    """End the process ``grace_s`` seconds from now unless it has ended by itself (a watchdog thread)."""
    timer = threading.Timer(grace_s, lambda: os._exit(128 + signum))
    timer.daemon = True
    timer.start()


def serve_until_signalled(*deployments: Any, grace_s: float = STOP_GRACE_S) -> None:
    """``prefect.serve`` that always ends on SIGTERM or SIGINT.

    Prefect's runner stops gracefully on a signal (pausing the schedules), but when its server has
    gone away the graceful stop can wait forever and later signals are swallowed. Each signal here
    also arms a watchdog: the process ends ``grace_s`` seconds later whatever the runner is doing,
    so a supervisor's SIGTERM is always honoured.
    """
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    class _Runner(Runner):  # type: ignore[misc]
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            _exit_after(grace_s, signal.SIGTERM)
            super().handle_sigterm(*args, **kwargs)

    def on_sigint(signum: int, frame: Any) -> None:
        _exit_after(grace_s, signum)
        raise KeyboardInterrupt

    runner = _Runner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        err.print("stopping: schedules paused")
    finally:
        signal.signal(signal.SIGINT, previous)


@feeds_app.command("serve")
def serve_cmd(
    partners: Annotated[Path, typer.Option(help="Partner feeds YAML.")] = SAMPLE_PARTNERS,
    stop_grace: Annotated[float, typer.Option(help="Seconds a graceful stop may take after SIGTERM.")] = STOP_GRACE_S,
) -> None:
    """Serve the scheduled deployments (with `prefect server start` and PREFECT_API_URL); stops on SIGTERM."""
    from flows.deployments import serve_all

    serve_all(partners, serve_fn=lambda *deployments: serve_until_signalled(*deployments, grace_s=stop_grace))
