"""CLI commands for the ministry's export and the model lifecycle.

``chhmam export --week 2026-W47``, ``chhmam retrain``, ``chhmam model list`` and
``chhmam model rollback``. Registered in ``flows/cli.py``; heavy imports happen inside the
commands so that ``chhmam --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from store.paths import CHECKOUT as PROJECT_ROOT

model_app = typer.Typer(help="Model versions: list the registry, roll back.", no_args_is_help=True)
err = Console(stderr=True)
ProjectDir = Annotated[Path, typer.Option(help="DVC project (repository root).")]


def export_cmd(
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: last complete week).")] = None,
    out: Annotated[Path | None, typer.Option(help="Root folder (default: exports/).")] = None,
) -> None:
    """Write the ministry's weekly export (CSV, XLSX, PNG, PDF, manifest) to exports/<week>/."""
    from flows.weekly_export import weekly_export_flow
    from reports.weeks import IsoWeek

    if week is not None:
        try:
            IsoWeek.parse(week)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--week") from exc
    result = weekly_export_flow(week, str(out) if out else None)
    err.print(f"[bold]exported[/] {result['week']} -> {result['folder']}")
    files = result["files"]
    assert isinstance(files, list)
    for name in files:
        Console().print(f"  {name}")
    unmatched = result.get("unmatched_locations") or []
    assert isinstance(unmatched, list)
    if unmatched:  # for the gazetteer's maintainers; printed here, never written to the export
        err.print(f"{len(unmatched)} location strings named no province (data/gazetteer/provinces.yaml):")
        for text, n in unmatched:
            err.print(f"  {n:5d}  {text}")


def retrain_cmd(
    project_dir: ProjectDir = PROJECT_ROOT,
    tolerance: Annotated[
        float | None,
        typer.Option(
            help="One tolerance for every gate check (default: 0.005 overall PR-AUC, 0.02 per language and probe, "
            "0.03 held-out, +0.005 false-flag rate)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Retrain even without new decisions.")] = False,
    target: Annotated[
        list[str] | None,
        typer.Option(
            help="dvc repro only these stages (and what they need), e.g. --target publish; default: the whole pipeline."
        ),
    ] = None,
    moderators: Annotated[
        str,
        typer.Option(
            help="When a moderator is an outlier (dismissal rate, agreement): "
            "refuse, quarantine (train without them) or report."
        ),
    ] = "refuse",
) -> None:
    """Decisions → data/labels → moderator check → dvc repro → gate → promote or refuse."""
    from flows.retrain import retrain_flow

    if moderators not in ("refuse", "quarantine", "report"):
        raise typer.BadParameter("refuse, quarantine or report", param_hint="--moderators")
    result = retrain_flow(str(project_dir), None, tolerance, target or None, force, moderators)
    _moderator_table(result)
    if result["outcome"] == "no_new_labels":
        Console().print(f"{result['outcome']}: {result['reason']} (serving {result['old_version']})")
        return
    table = Table(title=f"Retrain: {result['outcome']}")
    table.add_column("check")
    for col in ("old", "new", "tolerance", "ok"):
        table.add_column(col, justify="right")
    for row in result["gate"]:
        table.add_row(
            row["check"],
            *(f"{row[c]:.4f}" if row[c] is not None else "—" for c in ("old", "new")),
            str(row["tolerance"]),
            "yes" if row["ok"] else "[red]NO[/]",
        )
    Console().print(table)
    Console().print(f"{result['old_version']} -> {result['new_version']}: {result['reason']}")
    if result["outcome"] == "refused":
        raise typer.Exit(code=3)
    if result["outcome"] == "failed":
        raise typer.Exit(code=4)


def _moderator_table(result: dict[str, Any]) -> None:
    """Per-moderator dismissal rate and agreement, outliers marked (the lead's view of label quality)."""
    table = Table(title="Moderators' labels")
    for col in ("moderator", "decisions", "dismissed", "agreement (pairs)", "flag"):
        table.add_column(col)
    for m in result.get("moderators", []):
        agreement = f"{m['agreement']:.0%} ({m['pairs']})" if m["agreement"] is not None else "—"
        table.add_row(
            m["name"],
            str(m["decisions"]),
            f"{m['dismissal_rate']:.0%}",
            agreement,
            "[red]" + "; ".join(m["outlier"]) + "[/]" if m["outlier"] else "",
        )
    Console().print(table)


@model_app.command("quarantine")
def quarantine_cmd(
    project_dir: ProjectDir = PROJECT_ROOT,
    moderator: Annotated[list[str] | None, typer.Option(help="Hashed moderator id.")] = None,
    decisions: Annotated[list[str] | None, typer.Option(help="Decision ids FIRST-LAST.")] = None,
    release: Annotated[bool, typer.Option(help="Lift the quarantine instead.")] = False,
) -> None:
    """Keep a moderator's labels or a batch of decisions out of training (or, --release, let them back)."""
    from models.registry import set_quarantine

    ranges = [[int(x) for x in d.split("-", 1)] for d in decisions or []]
    q = set_quarantine(project_dir, moderator or [], ranges, release)
    Console().print(f"quarantine: {json.dumps(q)} (applies at the next `chhmam retrain` or label export)")


@model_app.command("rollback")
def rollback_cmd(project_dir: ProjectDir = PROJECT_ROOT) -> None:
    """Serve the previously promoted model again (artifacts/model), recorded in the registry."""
    from models.registry import rollback

    try:
        moved = rollback(project_dir)
    except RuntimeError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(code=1) from exc
    Console().print(f"rolled back {moved['from']} -> {moved['to']}")


@model_app.command("register")
def register_cmd(project_dir: ProjectDir = PROJECT_ROOT) -> None:
    """Register the served model (artifacts/model) with its metrics, so it can be rolled back to.

    `dvc repro`/`make demo` publish a model without the registry; run this after them.
    """
    from models.registry import register_served

    version = register_served(project_dir)
    if version is None:
        err.print("[red]no served model in artifacts/model[/]")
        raise typer.Exit(code=1)
    Console().print(f"registered {version}")


@model_app.command("list")
def list_cmd(
    project_dir: ProjectDir = PROJECT_ROOT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the registry as JSON.")] = False,
) -> None:
    """Every model version seen: status, when trained and promoted, PR-AUC per label."""
    from models.registry import load_registry, served_version

    reg = load_registry(project_dir)
    if as_json:
        typer.echo(json.dumps(reg, indent=2, ensure_ascii=False))
        return
    from store.db import migrate, session_scope
    from store.report_queries import scores_per_model_version

    migrate()
    with session_scope() as session:
        used = scores_per_model_version(session)
    table = Table(title=f"Models (serving {served_version(project_dir)})")
    for col in ("version", "status", "trained", "promoted", "PR-AUC", "score rows"):
        table.add_column(col)
    versions = [str(v["version"]) for v in reg["versions"]]
    for v in reg["versions"]:
        m = v.get("metrics") or {}
        pr = ", ".join(
            f"{lb}={m[lb]['overall'].get('pr_auc')}" for lb in m if isinstance(m[lb], dict) and "overall" in m[lb]
        )
        n = used.get(str(v["version"]), (0, None, None))[0]
        table.add_row(
            str(v["version"]) + (" *" if v["version"] == reg["current"] else ""),
            str(v["status"]),
            str(v.get("trained_at") or ""),
            str(v.get("promoted_at") or ""),
            pr,
            str(n),
        )
    for version, (n, first, _last) in used.items():
        if version not in versions:
            table.add_row(version, "not in registry", "", "", "", f"{n} (since {first:%Y-%m-%d})" if first else str(n))
    Console().print(table)
