"""Passwords (argon2id), CSRF tokens and the login rate limit.

The rate limit counts failed logins in the audit log (per username and per client address), so it
holds across server processes and restarts, and every attempt is on record anyway.
"""

from __future__ import annotations

import hmac
import os
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from store import audit, users
from store.schema import User, utcnow


def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile) unless overridden.

    ``CHHMAM_ARGON2_TIME_COST`` / ``CHHMAM_ARGON2_MEMORY_KIB`` exist for the test suite, which logs
    in dozens of users on two cores; a stored hash carries its own parameters, and a login rehashes
    a hash whose parameters differ from the current ones.
    """
    default = PasswordHasher()
    return PasswordHasher(time_cost=int(os.environ.get("CHHMAM_ARGON2_TIME_COST", default.time_cost)),
                          memory_cost=int(os.environ.get("CHHMAM_ARGON2_MEMORY_KIB", default.memory_cost)))

RATE_WINDOW = timedelta(minutes=5)
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_ADDRESS = 30


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (a dummy verify keeps timing similar)."""
    hasher = _hasher()
    user = users.get_by_name(session, username)
    if user is None or not user.active:
        hasher.hash(password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        users.set_password_hash(session, user, hasher.hash(password))
    return user


def rate_limited(session: Session, username: str, address: str) -> bool:
    """True when this username or address has failed too often recently."""
    since = utcnow() - RATE_WINDOW
    return (audit.count_since(session, "login_failed", since, object_id=username) >= MAX_FAILS_PER_USER
            or audit.count_since(session, "login_failed_address", since, object_id=address) >= MAX_FAILS_PER_ADDRESS)


def record_failure(session: Session, username: str, address: str) -> None:
    """Audit a failed login (the rate limit counts these)."""
    audit.record(session, None, "login_failed", "user", username[:80], {"address": address})
    audit.record(session, None, "login_failed_address", "address", address[:80], {"username": username[:80]})


def csrf_token(sess: dict[str, Any]) -> str:
    """The session's CSRF token (created on first use)."""
    tok = sess.get("csrf")
    if not isinstance(tok, str):
        tok = secrets.token_urlsafe(32)
        sess["csrf"] = tok
    return tok


def csrf_ok(sess: dict[str, Any], sent: str | None) -> bool:
    """Whether ``sent`` is this session's token (constant-time comparison)."""
    tok = sess.get("csrf")
    return isinstance(tok, str) and isinstance(sent, str) and hmac.compare_digest(tok, sent)
