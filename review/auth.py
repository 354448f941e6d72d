"""Passwords (argon2id), session ids, CSRF tokens and the login throttle.

* Session cookie: 32 random bytes; the database keeps only HMAC-SHA256(secret key, id), so a copy
  of the database does not yield a cookie, and changing the key ends every session.
* CSRF: a logged-in session has its own random token (stored with the session); the login form,
  before any session exists, gets HMAC(secret key, random nonce held in a short-lived cookie).
* Login throttle (``store.throttle``): three keys per attempt — username + address (strict),
  username from anywhere (looser: a distributed guesser), address (loosest: an office behind one
  NAT) — each counted atomically before the password is checked.
* argon2 runs at most ``CHHMAM_ARGON2_CONCURRENCY`` at a time: a burst of logins queues instead of
  taking every core and 64 MiB per guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from store import throttle, users
from store.db import session_scope
from store.schema import User
from store.settings import get_settings

# The session-signing constant of earlier versions; a key equal to it (or to any short value) is refused.
OLD_PUBLIC_KEY = "chhmam-dev-session-secret"  # a known-public value, kept to refuse it
MIN_KEY_LENGTH = 32
MAX_PASSWORD = 1024
ARGON2_WAIT_S = 20.0

PAIR = throttle.Rule("pair", free=5, first_delay_s=15.0, cap_s=900.0)
USER = throttle.Rule("user", free=10, first_delay_s=5.0, cap_s=60.0)
ADDRESS = throttle.Rule("addr", free=30, first_delay_s=1.0, cap_s=30.0)

_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


class Busy(Exception):
    """More logins are waiting for a password check than the server will queue."""


def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile) unless overridden.

    ``CHHMAM_ARGON2_TIME_COST`` / ``CHHMAM_ARGON2_MEMORY_KIB`` exist for the test suite, which logs
    in dozens of users on two cores; a stored hash carries its own parameters, and a login rehashes
    a hash whose parameters differ from the current ones.
    """
    default, s = PasswordHasher(), get_settings()
    return PasswordHasher(
        time_cost=default.time_cost if s.argon2_time_cost is None else s.argon2_time_cost,
        memory_cost=default.memory_cost if s.argon2_memory_kib is None else s.argon2_memory_kib,
    )


@contextmanager
def argon2_slot() -> Iterator[None]:
    """Hold one of the ``argon2_concurrency`` slots for a hash; Busy if none frees up in time."""
    n = max(1, get_settings().argon2_concurrency)
    with _SLOTS_LOCK:
        sem = _SLOTS.setdefault(str(n), threading.BoundedSemaphore(n))
    if not sem.acquire(timeout=ARGON2_WAIT_S):
        raise Busy()
    try:
        yield
    finally:
        sem.release()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    with argon2_slot():
        return _hasher().hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (a dummy hash keeps timing similar)."""
    hasher = _hasher()
    user = users.get_by_name(session, username) if len(username) <= 100 else None
    with argon2_slot():
        if user is None or not user.active or len(password) > MAX_PASSWORD:
            hasher.hash(password[:MAX_PASSWORD])
            return None
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        rehash = hasher.hash(password) if hasher.check_needs_rehash(user.password_hash) else None
    if rehash:
        users.set_password_hash(session, user, rehash, end_sessions=False)
    return user


def _keys(username: str, address: str) -> list[tuple[throttle.Rule, str]]:
    return [
        (PAIR, throttle.key_for(PAIR, f"{address}\x1f{username}")),
        (USER, throttle.key_for(USER, username)),
        (ADDRESS, throttle.key_for(ADDRESS, address)),
    ]


def throttle_attempt(username: str, address: str) -> float | None:
    """Count a login attempt on every key, committed at once; None if it may go on, else seconds to wait.

    Called before the login's own transaction has touched the database (it takes its own connection).

    A refused attempt is counted on no key (the keys checked before it are given back), so waiting
    out the delay is always enough.
    """
    now = time.time()
    taken: list[tuple[throttle.Rule, str]] = []
    with session_scope() as s:
        for rule, key in _keys(username, address):
            wait = throttle.attempt(s, rule, key, now)
            if wait is not None:
                for r, k in taken:
                    throttle.refund(s, r, k)
                return wait
            taken.append((rule, key))
    return None


def throttle_success(session: Session, username: str, address: str) -> None:
    """A login succeeded: its attempt does not count against the user or the address.

    Runs in the caller's transaction (the login's), which already holds a connection: taking a
    second one here would let a burst of logins exhaust the pool while each waits for another.
    """
    for rule, key in _keys(username, address):
        throttle.refund(session, rule, key)


def username_digest(username: str) -> str:
    """SHA-256 of the full username: the audit log identifies a name of any length by it."""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()


def _key() -> bytes:
    return get_settings().secret_key.encode()


def check_key(key: str) -> None:
    """Refuse a missing, short or formerly public secret key (ValueError says why)."""
    if not key:
        raise ValueError("CHHMAM_SECRET_KEY is not set")
    if key == OLD_PUBLIC_KEY or len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"CHHMAM_SECRET_KEY must be a private random value of at least {MIN_KEY_LENGTH} characters")


def new_session_id() -> str:
    """A fresh random session id for the cookie."""
    return secrets.token_urlsafe(32)


def session_hash(session_id: str) -> str:
    """What the database stores for a session id (keyed, so a database copy gives no cookie)."""
    return hmac.new(_key(), b"session:" + session_id.encode(), hashlib.sha256).hexdigest()


def new_csrf() -> str:
    """A fresh random CSRF token for a session."""
    return secrets.token_urlsafe(32)


def login_csrf(nonce: str) -> str:
    """The login form's CSRF token for the nonce in the browser's login cookie."""
    return hmac.new(_key(), b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


def csrf_ok(expected: str | None, sent: str | None) -> bool:
    """Whether ``sent`` is the expected token (constant-time comparison)."""
    return isinstance(expected, str) and isinstance(sent, str) and hmac.compare_digest(expected, sent)
