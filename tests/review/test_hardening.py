"""Malformed input gets a 4xx (never a 500), the claim cap, no decide form after the lease, error
pages in the reader's language, a health check that asks the database, no Host reflection, and
X-Forwarded-For from 127.0.0.1 not trusted."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from review.app import create_app
from review.i18n import translator
from store.db import dispose_engines, session_scope
from store.schema import AuditLog, QueueItem, utcnow
from store.settings import get_settings
from tests.support.review import PASSWORD, add_users, csrf_of, live_server, login, seed

EN, KM = translator("en"), translator("km")


def test_nul_bytes_and_huge_ids_are_4xx(db_url: str) -> None:
    seed(1)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False, raise_server_exceptions=False)
    tok = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf": tok, "username": "mo\x00d", "password": PASSWORD})
    assert r.status_code == 400
    with session_scope() as s:
        assert s.execute(select(AuditLog.action).where(AuditLog.action == "bad_request")).scalar() == "bad_request"
    tok = login(client, "mod")
    assert client.get("/", params={"lang": "e\x00n"}).status_code == 400
    assert client.post("/items/1/decide", data={"csrf": tok, "action": "confirm", "note": "a\x00b"}).status_code == 400
    assert client.post("/items/%00/decide", data={"csrf": tok, "note": "a\x00b"}).status_code == 400
    assert client.get("/items/%00").status_code == 422
    for big in (2**31, 2**63, 10**30):
        assert client.get(f"/items/{big}").status_code == 422
        assert client.post(f"/items/{big}/reveal", data={"csrf": tok}).status_code == 422


def test_claim_cap_and_no_decide_form_after_the_lease(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHHMAM_CLAIM_CAP", "2")
    get_settings.cache_clear()
    ids = seed(3)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    assert client.post("/claim", data={"csrf": tok}).status_code == 303
    assert client.post("/claim", data={"csrf": tok}).status_code == 303
    assert client.post("/claim", data={"csrf": tok}).status_code == 409
    assert client.post(f"/items/{ids[0]}/claim", data={"csrf": tok}).status_code == 409
    with session_scope() as s:
        held = s.execute(select(QueueItem.id).where(QueueItem.status == "claimed")).scalars().first()
        s.execute(
            update(QueueItem).where(QueueItem.id == held).values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
    assert 'id="decide-form"' not in client.get(f"/items/{held}").text


def test_error_pages_in_khmer_and_health_checks_the_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    client.post("/lang", data={"csrf": tok, "lang": "km"})
    r = client.get("/items/999999", headers={"accept": "text/html"})
    assert r.status_code == 404 and KM["err_404"] in r.text and '"detail"' not in r.text
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    monkeypatch.setenv("CHHMAM_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    get_settings.cache_clear()
    dispose_engines()
    assert client.get("/healthz").status_code == 503


def test_no_host_reflection_and_forwarded_for_not_trusted(sqlite_url: str) -> None:
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    r = client.get("/stats/", headers={"host": "evil.example"})
    assert r.status_code == 308 and r.headers["location"] == "/stats"
    assert client.get("/stats//", headers={"host": "evil.example"}).headers["location"] == "/stats"
    with live_server() as base, httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
        tok = csrf_of(c.get("/login").text)
        r = c.post(
            "/login",
            data={"csrf": tok, "username": "mod", "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        )
        assert r.status_code == 303
    with session_scope() as s:
        detail = s.execute(select(AuditLog.detail).where(AuditLog.action == "login")).scalar_one()
    assert detail["address"] == "127.0.0.1"
