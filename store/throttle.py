"""The login throttle: attempt counters with a progressive delay, one atomic UPDATE per key.

An attempt is counted *before* the password is checked, in one ``UPDATE … WHERE next_at <= now
RETURNING`` (a row lock on PostgreSQL, the database write lock on SQLite), so parallel guesses
cannot all read "not yet limited" and then all be evaluated. A successful login gives its own
attempt back, so only failures accumulate. Beyond ``free`` attempts each further one must wait a
delay that doubles up to ``cap``: the owner of an account is slowed, never locked out for long.
Callers run each call in its own short transaction, committed before the (slow) password check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Float, Table, case, literal, select, update
from sqlalchemy.orm import Session

from store.schema import LoginThrottle
from store.upsert import insert_ignore

THROTTLE = cast(Table, LoginThrottle.__table__)


@dataclass(frozen=True)
class Rule:
    """How many attempts a key gets free within ``window_s`` and the delays after that."""

    name: str
    free: int
    first_delay_s: float
    cap_s: float
    window_s: float = 900.0

    def ladder(self) -> list[tuple[int, float]]:
        """(attempts, delay): the delay imposed by the attempt that brings the count to ``attempts``."""
        steps = [(self.free - 1, 0.0)]
        delay, n = self.first_delay_s, self.free
        while delay < self.cap_s:
            steps.append((n, delay))
            delay, n = delay * 2, n + 1
        return steps


def key_for(rule: Rule, value: str) -> str:
    """The row key of ``value`` under ``rule``: hashed, so any length of username fits and is counted in full."""
    return f"{rule.name}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"


def attempt(session: Session, rule: Rule, key: str, now: float) -> float | None:
    """Count one attempt for ``key``; None if allowed, else the seconds to wait (nothing is counted then)."""
    insert_ignore(session, THROTTLE, [{"key": key, "attempts": 0, "last_at": now, "next_at": 0.0}], ["key"])
    t = THROTTLE.c
    new_attempts = case((t.last_at < now - rule.window_s, 1), else_=t.attempts + 1)
    delay = case(*[(new_attempts <= n, literal(d, Float)) for n, d in rule.ladder()], else_=literal(rule.cap_s, Float))
    # a free attempt leaves next_at alone: "now" is read before the lock, so setting next_at = now
    # would refuse a concurrent attempt whose clock reading is a microsecond older
    next_at = case((new_attempts < rule.free, t.next_at), else_=now + delay)
    got = session.execute(
        update(THROTTLE)
        .where(t.key == key, t.next_at <= now)
        .values(attempts=new_attempts, last_at=now, next_at=next_at)
        .returning(t.attempts)
    ).scalar()
    if got is not None:
        return None
    blocked_until = session.execute(select(t.next_at).where(t.key == key)).scalar()
    return max(float(blocked_until or now) - now, 0.0) or 0.001


def refund(session: Session, rule: Rule, key: str) -> None:
    """Give back one attempt (a login that succeeded); below ``free`` the delay is lifted again."""
    t = THROTTLE.c
    session.execute(
        update(THROTTLE)
        .where(t.key == key)
        .values(
            attempts=case((t.attempts > 0, t.attempts - 1), else_=0),
            next_at=case((t.attempts - 1 < rule.free, literal(0.0, Float)), else_=t.next_at),
        )
    )
