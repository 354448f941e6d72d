"""Shared fixtures: a fresh database per test (SQLite file or a new PostgreSQL database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT

os.environ.setdefault("PREFECT_HOME", str(ROOT / "var" / "prefect-test"))

import flows  # noqa: F401  (Prefect environment before Prefect is imported)
from store.db import dispose_engines, migrate
from store.settings import get_settings

PG_ADMIN_URL = os.environ.get("CHHMAM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MODEL_DIR = ROOT / "artifacts" / "model"


def _pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _create_pg_db() -> tuple[str, str]:
    import psycopg

    name = f"chhmam_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_db(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process; a test's environment changes must not outlive it."""
    yield
    get_settings.cache_clear()


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    monkeypatch.setenv("CHHMAM_DATABASE_URL", url)
    monkeypatch.setenv("CHHMAM_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    dispose_engines()


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite database in a temporary folder, configured as the process's database."""
    url = f"sqlite:///{tmp_path / 'chhmam.db'}"
    _use_database(monkeypatch, url, tmp_path)
    migrate(url)
    yield url
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def pg_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, migrated PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required in CI")
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not running")
    name, url = _create_pg_db()
    _use_database(monkeypatch, url, tmp_path)
    migrate(url)
    yield url
    dispose_engines()
    get_settings.cache_clear()
    _drop_pg_db(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The published default model (``make setup`` assembles it from ``release/``)."""
    if not (MODEL_DIR / "manifest.json").exists():
        pytest.fail("no published model: run `make model` first")
    return MODEL_DIR
