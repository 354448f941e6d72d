"""Database-side guards: undo never takes an item a lead claimed since; on PostgreSQL the audit log
refuses TRUNCATE even to its owner, and the app's least-privilege role cannot TRUNCATE, ALTER or
drop its triggers."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from review import service
from store import audit
from store.db import session_scope
from store.schema import AuditLog, QueueItem, User
from tests.support.review import add_users, app_role_url, seed


def _user(name: str) -> User:
    with session_scope() as s:
        u = s.execute(select(User).where(User.username == name)).scalar_one()
        s.expunge(u)
        return u


def test_undo_does_not_take_an_item_from_the_lead(db_url: str) -> None:
    seed(1)
    add_users(("m1", "moderator"), ("lead", "lead"))
    m1, lead = _user("m1"), _user("lead")
    with session_scope() as s:
        item = service.claim_next(s, m1)
        assert item is not None
        service.decide(s, m1, item, "escalate")
    with session_scope() as s:
        assert service.claim_next(s, lead) == item
    with session_scope() as s, pytest.raises(service.ReviewError, match="someone else"):
        service.undo(s, m1, item)
    with session_scope() as s:
        row = s.get(QueueItem, item)
        assert row is not None and row.status == "claimed" and row.claimed_by == lead.id
        assert service.decide(s, lead, item, "confirm") == [item]  # the lead's decision goes through


def test_truncate_refused_even_to_the_owner(pg_url: str) -> None:
    with session_scope() as s:
        audit.record(s, None, "view", "queue_item", "1", {})
    with pytest.raises(DBAPIError, match="append-only"), session_scope() as s:
        s.execute(text("TRUNCATE audit_log"))
    with session_scope() as s:
        assert s.scalar(select(func.count(AuditLog.id))) == 1


@pytest.fixture
def app_role(pg_url: str) -> Iterator[str]:
    """A LOGIN role with the app's grants on the test database (dropped afterwards)."""
    with app_role_url(pg_url) as url:
        yield url


def test_app_role_cannot_empty_or_unguard_the_audit_log(app_role: str) -> None:
    dsn = app_role.replace("+psycopg", "")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO audit_log (at, action, object_type, detail) VALUES (now(), 'view', 'x', '{}')")
        conn.execute("INSERT INTO login_throttle (key, attempts, last_at, next_at) VALUES ('k', 1, 0, 0)")
        for stmt in (
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
            "ALTER TABLE audit_log RENAME TO x",
            "UPDATE audit_log SET action = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE login_throttle",
            "UPDATE alembic_version SET version_num = 'x'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(stmt)
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)
