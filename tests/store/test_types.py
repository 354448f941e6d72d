"""Timestamps: aware UTC on both databases, and the schema still matches the migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from store.db import get_engine, session_scope
from store.schema import Base, User
from store.timeutil import as_utc

PHNOM_PENH = timezone(timedelta(hours=7))


def test_as_utc() -> None:
    naive = datetime(2026, 1, 1, 12, 0)
    assert as_utc(naive) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC) and as_utc(naive).tzinfo is UTC
    local = datetime(2026, 1, 1, 19, 0, tzinfo=PHNOM_PENH)
    assert as_utc(local) == local and as_utc(local).tzinfo is UTC


@pytest.mark.parametrize("db", ["sqlite_url", "pg_url"])
def test_timestamps_read_back_aware_utc(db: str, request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(db)
    at = datetime(2026, 3, 1, 9, 30, tzinfo=PHNOM_PENH)
    with session_scope() as s:
        s.add(User(username="tz", password_hash="x", role="moderator", created_at=at))
    with session_scope() as s:
        back = s.scalars(select(User.created_at).where(User.username == "tz")).one()
    assert back == at and back.tzinfo is not None and back.utcoffset() == timedelta(0)


@pytest.mark.parametrize("db", ["sqlite_url", "pg_url"])
def test_schema_matches_migrations(db: str, request: pytest.FixtureRequest) -> None:
    """``UTCDateTime`` keeps the database type ``DateTime(timezone=True)``: autogenerate sees no change."""
    request.getfixturevalue(db)
    with get_engine().connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []
