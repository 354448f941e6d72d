"""The login throttle: atomic under parallel guesses (SQLite and PostgreSQL), a progressive delay
rather than a lock-out, long usernames counted in full, and 40 parallel logins on a live server."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from review import auth
from review.app import create_app
from store.db import session_scope
from store.schema import AuditLog
from tests.support.review import PASSWORD, add_users, csrf_of, live_server

BURST = 40


def _audit(action: str) -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action)) or 0)


def test_parallel_attempts_are_counted_atomically(db_url: str) -> None:
    barrier = threading.Barrier(30)

    def one(_: int) -> bool:
        barrier.wait()
        return auth.throttle_attempt("victim", "198.51.100.7") is None

    with ThreadPoolExecutor(30) as pool:
        allowed = sum(pool.map(one, range(30)))
    assert allowed == auth.PAIR.free  # never more, however the 30 interleave


def test_delay_not_lockout_and_long_names(sqlite_url: str) -> None:
    add_users(("mod", "moderator"))
    attacker = TestClient(create_app(), follow_redirects=False, client=("203.0.113.5", 1234))
    tok = csrf_of(attacker.get("/login").text)
    codes = [
        attacker.post("/login", data={"csrf": tok, "username": "mod", "password": "guess"}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    r = attacker.post("/login", data={"csrf": tok, "username": "mod", "password": "guess"})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 15  # a delay, not a long lock
    owner = TestClient(create_app(), follow_redirects=False, client=("192.0.2.10", 4321))
    otok = csrf_of(owner.get("/login").text)  # the owner, elsewhere, is not locked out by the attacker
    assert owner.post("/login", data={"csrf": otok, "username": "mod", "password": PASSWORD}).status_code == 303
    assert auth.PAIR.ladder()[:3] == [(4, 0.0), (5, 15.0), (6, 30.0)]
    long_a, long_b = "x" * 80 + "a" * 120, "x" * 80 + "b" * 120  # same first 80 characters
    codes = [
        attacker.post("/login", data={"csrf": tok, "username": long_a, "password": "g"}).status_code for _ in range(6)
    ]
    assert codes[-1] == 429 and codes.count(401) == 5  # over 80 characters: limited like any name
    assert attacker.post("/login", data={"csrf": tok, "username": long_b, "password": "g"}).status_code == 401
    with session_scope() as s:
        digests = {
            d["username_sha256"]
            for d in s.execute(
                select(AuditLog.detail).where(AuditLog.action.in_(("login_failed", "login_throttled")))
            ).scalars()
        }
    assert auth.username_digest(long_a) in digests and auth.username_digest(long_b) in digests


def _burst(base: str, passwords: list[str]) -> tuple[Counter[int], float, int]:
    barrier = threading.Barrier(len(passwords))

    def one(pw: str) -> int:
        with httpx.Client(base_url=base, follow_redirects=False, timeout=120) as c:
            tok = csrf_of(c.get("/login").text)
            barrier.wait()
            return c.post("/login", data={"csrf": tok, "username": "mod", "password": pw}).status_code

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(passwords)) as pool:
        codes = list(pool.map(one, passwords))
    return Counter(codes), time.monotonic() - t0, codes[passwords.index(PASSWORD)] if PASSWORD in passwords else 0


def test_forty_parallel_logins_on_a_live_server(db_url: str) -> None:
    add_users(("mod", "moderator"))
    guesses = [f"guess {i}" for i in range(BURST)]
    with live_server() as base:
        codes, took, _ = _burst(base, guesses)
        assert codes[401] == auth.PAIR.free and codes[429] == BURST - auth.PAIR.free, codes
        # the limit is hit: the right password among 40 more parallel tries does not get in
        second = [f"again {i}" for i in range(BURST)]
        second[BURST // 2] = PASSWORD
        codes2, took2, right = _burst(base, second)
        assert codes2 == Counter({429: BURST}) and right == 429, codes2
    assert _audit("login_failed") == auth.PAIR.free
    assert _audit("login_throttled") == 2 * BURST - auth.PAIR.free
    assert _audit("login") == 0
    print(f"\n40 parallel logins: {took:.2f} s (5 evaluated); 40 after the limit: {took2:.2f} s (0 evaluated)")
