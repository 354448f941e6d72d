"""Server-side web sessions: the rows behind the opaque id in the session cookie.

The review app hashes the cookie's random id with its secret key before it reaches this module,
so neither a copy of the database nor of this table lets anyone build a working cookie. Ending a
session is a write here, which is why logout, a password reset, disabling a user and a role change
take effect at the next request of every copy of the cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.schema import User, UserSession, utcnow
from store.timeutil import as_utc

TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often (one write per page would do)


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking a cookie up: the live session and its user, or why it was refused."""

    row: UserSession | None
    user: User | None
    refused: str | None


def create(
    session: Session,
    user_id: int,
    token_hash: str,
    csrf: str,
    lang: str,
    address: str | None,
    absolute: timedelta,
    now: datetime | None = None,
) -> UserSession:
    """Start a session for ``user_id``; it ends at ``now + absolute`` at the latest."""
    now = now or utcnow()
    row = UserSession(
        token_hash=token_hash,
        user_id=user_id,
        csrf=csrf,
        lang=lang,
        address=(address or "")[:80] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + absolute,
    )
    session.add(row)
    session.flush()
    return row


def lookup(session: Session, token_hash: str, idle: timedelta, now: datetime | None = None) -> Lookup:
    """The live session with ``token_hash``, touched; or the reason it is not live.

    Reasons: ``unknown`` (no such id: forged, or from another key), ``revoked``, ``idle``,
    ``expired``, ``user_disabled``. An idle or expired session is revoked on the way, so it stays dead.
    """
    now = now or utcnow()
    row = session.execute(select(UserSession).where(UserSession.token_hash == token_hash)).scalar_one_or_none()
    if row is None:
        return Lookup(None, None, "unknown")
    if row.revoked_at is not None:
        return Lookup(None, None, "revoked")
    reason = None
    if now >= as_utc(row.expires_at):
        reason = "expired"
    elif now - as_utc(row.last_seen_at) >= idle:
        reason = "idle"
    user = session.get(User, row.user_id)
    if reason is None and (user is None or not user.active):
        reason = "user_disabled"
    if reason is not None:
        revoke(session, [row.id], reason, now)
        return Lookup(None, None, reason)
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return Lookup(row, user, None)


def revoke(session: Session, session_ids: list[int], reason: str, now: datetime | None = None) -> int:
    """End the given sessions (those not already ended); returns how many."""
    if not session_ids:
        return 0
    result = session.execute(
        update(UserSession)
        .where(UserSession.id.in_(session_ids), UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_reason=reason[:40])
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_all(session: Session, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every live session of ``user_id``; returns how many."""
    ids = list(
        session.execute(
            select(UserSession.id).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        ).scalars()
    )
    return revoke(session, [int(i) for i in ids], reason, now)


def update_fields(session: Session, session_id: int, **values: object) -> None:
    """Change a live session's stored preferences (``lang``, ``last_decided``)."""
    allowed = {"lang", "last_decided"}
    bad = set(values) - allowed
    if bad:
        raise ValueError(f"not a session preference: {sorted(bad)}")
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def live_count(session: Session, user_id: int) -> int:
    """How many sessions of ``user_id`` are not revoked (the admin page shows it)."""
    return len(
        list(
            session.execute(
                select(UserSession.id).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
            ).scalars()
        )
    )
