"""The append-only audit log: who saw which item, who decided what, who logged in (or failed to).

Rows are only ever inserted; nothing in the code base updates or deletes them, and the database
refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE. Failed, throttled and refused logins and refused
session cookies are audited too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.db import session_scope
from store.schema import AuditLog


def record(
    session: Session,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row: the only place in the code base that writes to the audit log."""
    session.add(
        AuditLog(user_id=user_id, action=action, object_type=object_type, object_id=object_id, detail=detail or {})
    )


def record_event(session: Session, action: str, object_type: str, object_id: str, detail: dict[str, Any]) -> None:
    """Append an audit row no user caused (an export left the building, a model was promoted or refused)."""
    record(session, None, action, object_type, object_id, detail)


def record_now(
    user_id: int | None, action: str, object_type: str, object_id: str | None, detail: dict[str, Any] | None = None
) -> None:
    """Append one audit row in its own transaction, committed at once.

    For refusals: the request that caused them is answered with an error and its own transaction
    is rolled back, which must not take the record of the attempt with it.
    """
    with session_scope() as s:
        record(s, user_id, action, object_type, object_id, detail)


def count_since(
    session: Session,
    action: str | Sequence[str],
    since: datetime,
    object_id: str | None = None,
    user_id: int | None = None,
    object_type: str | None = None,
) -> int:
    """How many ``action`` rows (one action or several) since ``since`` (optionally for one object or user).

    ``object_type`` keeps a queue item's id from matching a post's id of the same number.
    """
    actions = [action] if isinstance(action, str) else list(action)
    stmt = select(func.count(AuditLog.id)).where(AuditLog.action.in_(actions), AuditLog.at >= since)
    if object_type is not None:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditLog.object_id == object_id)
    if user_id is not None:
        stmt = stmt.where(AuditLog.user_id == user_id)
    return int(session.scalar(stmt) or 0)


def objects_since(
    session: Session,
    action: str | Sequence[str],
    since: datetime,
    object_type: str,
    object_ids: Sequence[str],
    user_id: int,
) -> set[str]:
    """Which of ``object_ids`` (of ``object_type``) ``user_id`` has an ``action`` row for since ``since``.

    One query for a page of case members, instead of one ``count_since`` per member.
    """
    if not object_ids:
        return set()
    actions = [action] if isinstance(action, str) else list(action)
    stmt = (
        select(AuditLog.object_id)
        .distinct()
        .where(
            AuditLog.action.in_(actions),
            AuditLog.at >= since,
            AuditLog.object_type == object_type,
            AuditLog.user_id == user_id,
            AuditLog.object_id.in_(list(object_ids)),
        )
    )
    return {str(o) for o in session.scalars(stmt)}


def entries(
    session: Session, object_type: str | None = None, object_id: str | None = None, limit: int = 200
) -> list[AuditLog]:
    """Newest audit rows, optionally for one object."""
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return list(session.execute(stmt).scalars())
