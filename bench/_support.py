"""Shared by the bench scripts: a fresh, migrated database per run, the --pg option, percentiles, Markdown tables."""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_ADMIN = os.environ.get("CHHMAM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(backend: str, sqlite_file: Path, admin: str = PG_ADMIN) -> Iterator[str]:
    """A new, migrated database; yields its URL, made the app's database for the duration.

    ``backend`` ``"sqlite"`` uses ``sqlite_file``; any other creates a ``chhmam_bench_*`` database
    on the PostgreSQL server of ``admin`` (an admin URL) and drops it afterwards, even on failure.
    """
    from store.db import dispose_engines, migrate  # lazily: scripts set their environment first
    from store.settings import get_settings

    pg_name = None
    admin_dsn = admin.replace("+psycopg", "")
    if backend == "sqlite":
        url = f"sqlite:///{sqlite_file}"
    else:
        import psycopg

        pg_name = f"chhmam_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = admin.rsplit("/", 1)[0] + f"/{pg_name}"
    try:
        os.environ["CHHMAM_DATABASE_URL"] = url
        get_settings.cache_clear()
        dispose_engines()
        migrate(url)
        yield url
    finally:
        dispose_engines()
        if pg_name:
            import psycopg

            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def add_pg_option(ap: argparse.ArgumentParser) -> None:
    """``--pg``: the PostgreSQL server to measure besides SQLite (``''`` for SQLite only)."""
    ap.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="admin URL of a PostgreSQL server (a fresh database is created and dropped); '' to skip",
    )


def backends(pg: str) -> list[str]:
    """The backends a ``--pg`` value asks for."""
    return ["sqlite", "postgresql"] if pg else ["sqlite"]


def pct(xs: list[float], p: float) -> float:
    """The ``p``-th percentile of ``xs`` (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """``header`` and ``rows`` (cells already formatted) as a Markdown table, one line each."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, rows)])
