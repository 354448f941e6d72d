"""The ``chhmam`` command line (Typer + Rich)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

import flows  # noqa: F401  (sets Prefect's environment before anything imports it)
from models.bundle import read_manifest
from models.logs import LogFormat, configure
from store.paths import SOURCE
from store.settings import get_settings, settings_table

app = typer.Typer(help="Chhmam (ឆ្មាំ): find grooming and trafficking recruitment in public posts.", no_args_is_help=True)
queue_app = typer.Typer(help="The review queue.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
app.add_typer(db_app, name="db")
app.add_typer(__import__("flows.cli_feeds", fromlist=["feeds_app"]).feeds_app, name="feeds")  # partner-feed ingestion
app.add_typer(__import__("flows.cli_review", fromlist=["users_app"]).users_app, name="users")  # moderator accounts
app.add_typer(__import__("flows.cli_review", fromlist=["review_app"]).review_app, name="review")  # the review web app
app.add_typer(__import__("flows.cli_networks", fromlist=["networks_app"]).networks_app, name="networks")  # cases
from flows.cli_reports import export_cmd, model_app, retrain_cmd  # noqa: E402  (reports, model registry, retraining)

app.command("export")(export_cmd)
app.command("retrain")(retrain_cmd)
app.add_typer(model_app, name="model")
err = Console(stderr=True)


class LogLevel(StrEnum):
    """The levels worth choosing from the command line."""

    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


SAMPLE_PARTNERS = SOURCE.sample_partners


@app.callback()
def main(
    log_format: Annotated[
        LogFormat | None,
        typer.Option(
            "--log-format",
            envvar="CHHMAM_LOG_FORMAT",
            case_sensitive=False,
            help="Log records on stderr as JSON lines or pretty (Rich); default: pretty on a terminal, else json.",
        ),
    ] = None,
    log_level: Annotated[
        LogLevel,
        typer.Option(
            "--log-level",
            envvar="CHHMAM_LOG_LEVEL",
            case_sensitive=False,
            help="Lowest level logged.",
        ),
    ] = LogLevel.WARNING,
) -> None:
    """Configure logging once for the whole process, before any command (and Prefect) runs.

    Command output (tables, results, JSON on stdout) is not logging and is unaffected.
    """
    configure(log_format, log_level.value)


@app.command()
def score(
    input_path: Annotated[str, typer.Argument(metavar="INPUT.jsonl", help="JSONL with id and text; - for stdin.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Output JSONL; - for stdout.")] = "-",
    model_dir: Annotated[Path | None, typer.Option(help="Model bundle (default: CHHMAM_MODEL_DIR).")] = None,
) -> None:
    """Score posts: one output object per input line, in order; bad lines get an error object."""
    from flows.score_io import run
    from models.inference import ScoringEngine

    engine = ScoringEngine.from_dir(model_dir or get_settings().model_dir)
    src = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
    dst = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
    try:
        if input_path != "-" and output != "-":
            total = Path(input_path).stat().st_size
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=err,
            ) as progress:
                tid = progress.add_task("scoring", total=total)
                n = run(src, dst, engine, on_line=lambda b: progress.advance(tid, b))
            err.print(f"scored {n} lines with model {engine.version} -> {output}")
        else:
            run(src, dst, engine)
    finally:
        if src is not sys.stdin.buffer:
            src.close()
        if dst is not sys.stdout.buffer:
            dst.close()


@app.command()
def pipeline(
    partners: Annotated[Path, typer.Option(help="Partner feeds YAML.")] = SAMPLE_PARTNERS,
    model_dir: Annotated[Path | None, typer.Option(help="Model bundle (default: CHHMAM_MODEL_DIR).")] = None,
) -> None:
    """Run the Prefect pipeline: ingest every partner feed, score, fill the review queue."""
    from flows.pipeline import pipeline_flow

    err.print("[bold]Running the pipeline flow[/] (ingest → score → route)…")
    summary = pipeline_flow(str(partners), str(model_dir) if model_dir else None)
    table = Table(title="Pipeline summary")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("ingested", "duplicates", "quarantined", "scored", "queued"):
        table.add_row(key, str(summary[key]))
    flagged = summary["flagged"]
    assert isinstance(flagged, dict)
    for label in read_manifest(model_dir or get_settings().model_dir)["labels"]:  # what the model scored
        table.add_row(f"flagged: {label}", str(flagged.get(label, 0)))
    table.add_row("model version", str(summary["model_version"]))
    Console().print(table)
    failed, errors = summary.get("failed_partners"), summary.get("errors")
    if failed:  # the other partners were ingested and scored; this run still reports the failure
        assert isinstance(failed, list) and isinstance(errors, list)
        for line in errors:
            err.print(f"[red]{line}[/]")
        err.print(f"failed partners: {', '.join(failed)}")
        raise typer.Exit(1)


@queue_app.command("list")
def queue_list(
    limit: Annotated[int, typer.Option(help="How many items.")] = 20,
    status: Annotated[str, typer.Option(help="open, claimed, decided…")] = "open",
) -> None:
    """List queue items, highest priority first (text truncated)."""
    from store.db import migrate, session_scope
    from store.queue import list_items

    migrate()
    table = Table(title=f"Review queue ({status})")
    for col in ("id", "priority", "labels", "lang", "source", "text"):
        table.add_column(col)
    with session_scope() as session:
        for item, post in list_items(session, status=status, limit=limit):
            table.add_row(
                str(item.id),
                f"{item.priority:.3f}",
                ",".join(item.labels),
                post.lang or "",
                post.source,
                post.text[:60].replace("\n", " "),
            )
    Console().print(table)


@db_app.command("migrate")
def db_migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from store.db import migrate

    err.print(f"database at head: {migrate()}")


@app.command("settings")
def settings_command() -> None:
    """Every CHHMAM_ setting with its default and meaning (the README's configuration table)."""
    typer.echo(settings_table(), nl=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    local_demo: Annotated[
        bool,
        typer.Option(
            help="Without CHHMAM_SECRET_KEY: a key generated once into var/secret_key (0600); 127.0.0.1 only."
        ),
    ] = False,
) -> None:
    """Serve the moderators' web app (needs CHHMAM_SECRET_KEY, or --local-demo)."""
    import os

    import uvicorn

    from flows.cli_review import serve_key
    from review.app import create_app, uvicorn_options
    from store.db import migrate

    s = get_settings()
    bind = host or s.host
    key = serve_key(local_demo, bind)
    if key != s.secret_key:
        os.environ["CHHMAM_SECRET_KEY"] = key
        get_settings.cache_clear()
    migrate()
    # log_config=None: uvicorn keeps the handler ``--log-format`` installed instead of its own.
    uvicorn.run(create_app(), host=bind, port=port or s.port, log_level="info", log_config=None, **uvicorn_options())


if __name__ == "__main__":
    app()
