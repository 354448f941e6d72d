"""A scripted attack on a live server (127.0.0.1 only, bounded): replay a logged-out cookie, forge a
cookie with the old public constant, burst 40 parallel logins, and empty the audit log as the
app's own PostgreSQL role. Every attempt is refused and the audit log keeps the record."""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from review.auth import OLD_PUBLIC_KEY, PAIR
from store.db import dispose_engines, session_scope
from store.schema import AuditLog
from store.settings import get_settings
from tests.support.review import PASSWORD, add_users, app_role_url, csrf_of, live_server, login, seed

BURST = 40


@pytest.fixture
def as_app_role(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process (and so the live server) connects as a least-privilege role, as in production."""
    with app_role_url(pg_url) as url:
        monkeypatch.setenv("CHHMAM_DATABASE_URL", url)
        get_settings.cache_clear()
        dispose_engines()
        yield url
        dispose_engines()


def _count(action: str) -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action)) or 0)


def _attempt(base: str, pw: str, barrier: threading.Barrier) -> int:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=120) as c:
        tok = csrf_of(c.get("/login").text)
        barrier.wait()
        return c.post("/login", data={"csrf": tok, "username": "lead", "password": pw}).status_code


def test_scripted_attack_is_refused_and_recorded(as_app_role: str) -> None:
    ids = seed(1)
    users = add_users(("mod", "moderator"), ("lead", "lead"), ("boss", "admin"))
    with live_server() as base:
        # 1. a cookie copied before logout, replayed after it
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as victim:
            tok = login(victim, "mod")
            stolen = victim.cookies["chhmam_session"]
            assert victim.post("/logout", data={"csrf": tok}).status_code == 303
        with httpx.Client(
            base_url=base, follow_redirects=False, timeout=30, cookies={"chhmam_session": stolen}
        ) as thief:
            assert thief.get(f"/items/{ids[0]}").headers["location"] == "/login"
            assert thief.post("/claim", data={"csrf": tok}).status_code in (401, 403)
        # 2. an admin cookie forged with the signing constant of earlier versions
        forged = TimestampSigner(OLD_PUBLIC_KEY).sign(base64.b64encode(json.dumps({"uid": users["boss"]}).encode()))
        with httpx.Client(
            base_url=base, follow_redirects=False, timeout=30, cookies={"chhmam_session": forged.decode()}
        ) as forger:
            assert forger.get("/admin/users").headers["location"] == "/login"
        # 3. 40 parallel guesses at the lead's password, the right one among them after the limit
        barrier = threading.Barrier(BURST)
        guesses = [f"guess {i}" for i in range(BURST)]
        with ThreadPoolExecutor(BURST) as pool:
            first = Counter(pool.map(lambda pw: _attempt(base, pw, barrier), guesses))
        guesses[BURST // 2] = PASSWORD
        barrier = threading.Barrier(BURST)
        with ThreadPoolExecutor(BURST) as pool:
            second = Counter(pool.map(lambda pw: _attempt(base, pw, barrier), guesses))
    assert first == Counter({401: PAIR.free, 429: BURST - PAIR.free}) and second == Counter({429: BURST})
    # 4. the app's own role tries to empty or unguard the audit log
    before = _count("session_refused") + _count("login_failed") + _count("login_throttled")
    with psycopg.connect(as_app_role.replace("+psycopg", ""), autocommit=True) as conn:
        for stmt in (
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "DELETE FROM audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(stmt)
    assert _count("session_refused") >= 3  # replayed GET and POST, forged cookie
    assert _count("login_failed") == PAIR.free and _count("login_throttled") == 2 * BURST - PAIR.free
    assert _count("logout") == 1 and _count("login") == 1  # the victim's own; none for the attacker
    assert _count("session_refused") + _count("login_failed") + _count("login_throttled") == before
