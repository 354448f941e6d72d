"""Security of the review app: anonymous refusal on every route, roles, CSRF, XSS, injection, rate limit."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount, Route

from review.app import create_app
from store.db import session_scope
from store.schema import AuditLog, QueueItem
from store.settings import get_settings
from tests.support.review import add_users, csrf_of, login, seed

PUBLIC = {"/login", "/healthz", "/fonts/noto-sans-khmer.ttf"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> call 012 345 678'


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_refuses_anonymous(sqlite_url: str) -> None:
    seed(1)
    app = create_app()
    client = TestClient(app, follow_redirects=False)
    checked = 0
    for context in iter_route_contexts(app.routes):  # the routes of the included routers too
        route = context.original_route
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        assert isinstance(route, Route)
        if route.path in PUBLIC:
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            r = client.request(method, _concrete(route.path))
            assert r.status_code in (303, 401, 403), (method, route.path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"] == "/login"
            assert "grade 8" not in r.text
            checked += 1
    assert checked >= 15
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200


def test_analyst_sees_aggregates_only(sqlite_url: str) -> None:
    ids = seed(2, texts=["Are you in grade 8? secret gift", "Job in Thailand, we pay the passport"])
    add_users(("ana", "analyst"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "ana")
    stats = client.get("/stats")
    assert stats.status_code == 200 and "grade 8" not in stats.text and "Thailand" not in stats.text
    for path in (
        "/",
        f"/items/{ids[0]}",
        f"/items/{ids[0]}/evidence.json",
        f"/items/{ids[0]}/evidence.pdf",
        "/referrals",
    ):
        r = client.get(path)
        assert r.status_code in (303, 403), path
        assert "grade 8" not in r.text and "Thailand" not in r.text
        if r.status_code == 303:
            assert r.headers["location"] == "/stats"
    assert client.post("/claim", data={"csrf": tok}).status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_csrf_required_and_xss_escaped(sqlite_url: str) -> None:
    ids = seed(1, texts=[XSS])
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    # the login form itself needs the token
    client.get("/login")
    assert client.post("/login", data={"username": "mod", "password": "x"}).status_code == 403
    tok = login(client, "mod")
    assert client.post("/claim").status_code == 403
    assert client.post("/claim", data={"csrf": "forged"}).status_code == 403
    assert client.post("/claim", data={"csrf": tok}).headers["location"] == f"/items/{ids[0]}"
    with session_scope() as s:
        assert s.get(QueueItem, ids[0]).status == "claimed"  # type: ignore[union-attr]
    assert client.post(f"/items/{ids[0]}/decide", data={"action": "dismiss"}).status_code == 403
    page = client.get(f"/items/{ids[0]}")
    assert page.status_code == 200
    assert "alert" not in page.text  # no post text in the page before a reveal is recorded
    shown = client.post(f"/items/{ids[0]}/reveal", data={"csrf": tok}, headers={"HX-Request": "true"})
    assert "<script>alert" not in shown.text and "<img src=x" not in shown.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.post(f"/items/{ids[0]}/decide", data={"action": "dismiss", "csrf": tok}).status_code == 303
    with session_scope() as s:
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "view")) == 1
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "decide_dismiss")) == 1


def test_injection_in_filters_does_nothing(sqlite_url: str) -> None:
    seed(3)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "mod")
    normal = client.get("/", params={"lang": "en"})
    assert normal.text.count('class="queue-row"') == 3
    for evil in ("' OR '1'='1", "en' --", "1; DROP TABLE queue_items", "%", "<script>x</script>"):
        r = client.get("/", params={"lang": evil, "label": evil, "source": evil, "status": evil})
        assert r.status_code == 200
        assert r.text.count('class="queue-row"') == 0
        assert "<script>x</script>" not in r.text
    with session_scope() as s:
        assert s.scalar(select(func.count(QueueItem.id))) == 3


@pytest.mark.parametrize("attempts", [6])
def test_login_rate_limited(sqlite_url: str, attempts: int) -> None:
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = csrf_of(client.get("/login").text)
    codes = [
        client.post("/login", data={"csrf": tok, "username": "mod", "password": "wrong"}).status_code
        for _ in range(attempts)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # even the right password is refused while the limit holds
    r = client.post("/login", data={"csrf": tok, "username": "mod", "password": "correct horse battery"})
    assert r.status_code == 429
    assert client.cookies.get("chhmam_session") is None  # no session exists before a successful login


def test_passwords_are_argon2id_with_library_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    from review.auth import hash_password

    monkeypatch.delenv("CHHMAM_ARGON2_TIME_COST", raising=False)
    monkeypatch.delenv("CHHMAM_ARGON2_MEMORY_KIB", raising=False)
    get_settings.cache_clear()
    h = hash_password("a long enough password")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
