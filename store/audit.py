"""The append-only audit log: who saw which item, who decided what, who logged in (or failed to).

Rows are only ever inserted; nothing in the code base updates or deletes them. Failed logins are
audited too, and the login rate limit counts them here, so the limit holds across server workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.schema import AuditLog


def record(session: Session, user_id: int | None, action: str, object_type: str, object_id: str | None,
           detail: dict[str, Any] | None = None) -> None:
    """Append one audit row."""
    session.add(AuditLog(user_id=user_id, action=action, object_type=object_type, object_id=object_id,
                         detail=detail or {}))


def count_since(session: Session, action: str, since: datetime, object_id: str | None = None,
                user_id: int | None = None) -> int:
    """How many ``action`` rows since ``since`` (optionally for one object or user)."""
    stmt = select(func.count(AuditLog.id)).where(AuditLog.action == action, AuditLog.at >= since)
    if object_id is not None:
        stmt = stmt.where(AuditLog.object_id == object_id)
    if user_id is not None:
        stmt = stmt.where(AuditLog.user_id == user_id)
    return int(session.scalar(stmt) or 0)


def entries(session: Session, object_type: str | None = None, object_id: str | None = None,
            limit: int = 200) -> list[AuditLog]:
    """Newest audit rows, optionally for one object."""
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return list(session.execute(stmt).scalars())
