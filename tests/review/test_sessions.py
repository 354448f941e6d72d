"""Server-side sessions: logout, password reset, disable, role change and "end sessions" end a
session at once; idle and absolute timeouts; a new id at every login; no start without a key."""

from __future__ import annotations

import base64
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select, update
from typer.testing import CliRunner

from review.app import create_app
from review.auth import OLD_PUBLIC_KEY
from store.db import session_scope
from store.schema import AuditLog, UserSession, utcnow
from store.settings import get_settings
from tests.support.review import PASSWORD, add_users, csrf_of, login, seed

COOKIE = "chhmam_session"


def _refusals(reason: str) -> int:
    with session_scope() as s:
        rows = s.execute(select(AuditLog.detail).where(AuditLog.action == "session_refused")).scalars().all()
    return sum(1 for d in rows if d.get("reason") == reason)


def _fresh(cookie: str) -> TestClient:
    client = TestClient(create_app(), follow_redirects=False)
    client.cookies.set(COOKIE, cookie)
    return client


def test_copied_cookie_replayed_after_logout_is_refused(db_url: str) -> None:
    ids = seed(2)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    stolen = client.cookies.get(COOKIE)
    assert stolen
    thief = _fresh(stolen)
    assert thief.get(f"/items/{ids[0]}").status_code == 200  # a copied cookie works while the session lives
    assert client.post("/logout", data={"csrf": tok}).status_code == 303
    r = thief.get(f"/items/{ids[0]}")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert thief.post("/claim", data={"csrf": tok}).status_code in (401, 403)
    assert thief.post("/lang", data={"csrf": tok, "lang": "km"}).status_code in (401, 403)
    assert _refusals("revoked") == 3
    with session_scope() as s:
        assert s.execute(select(UserSession.revoked_reason)).scalar_one() == "logout"


def test_forged_cookie_signed_with_the_old_public_constant_is_refused(sqlite_url: str) -> None:
    users = add_users(("boss", "admin"))
    payload = base64.b64encode(json.dumps({"uid": users["boss"]}).encode())
    forged = TimestampSigner(OLD_PUBLIC_KEY).sign(payload).decode()
    r = _fresh(forged).get("/admin/users")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert _refusals("unknown") == 1
    with session_scope() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "login")) is None


def test_admin_actions_end_the_users_sessions_at_once(sqlite_url: str) -> None:
    ids = seed(1)
    users = add_users(("boss", "admin"), ("mod", "moderator"))
    admin = TestClient(create_app(), follow_redirects=False)
    atok = login(admin, "boss")
    mod = TestClient(create_app(), follow_redirects=False)
    for op, extra in (
        ("end_sessions", {}),
        ("role", {"role": "lead"}),
        ("password", {"password": "another long password"}),
        ("disable", {}),
    ):
        login(mod, "mod", "another long password" if op == "disable" else PASSWORD)
        assert mod.get(f"/items/{ids[0]}").status_code == 200
        r = admin.post(f"/admin/users/{users['mod']}", data={"csrf": atok, "op": op, **extra})
        assert r.status_code == 303, (op, r.text[:200])
        assert mod.get(f"/items/{ids[0]}").status_code == 303, op  # refused at the very next request
    tok = csrf_of(mod.get("/login").text)
    r = mod.post("/login", data={"csrf": tok, "username": "mod", "password": "another long password"})
    assert r.status_code == 401  # disabled
    with session_scope() as s:
        reasons = set(s.execute(select(UserSession.revoked_reason)).scalars())
        acts = set(s.execute(select(AuditLog.action).where(AuditLog.action.like("admin_%"))).scalars())
    assert {"ended_by_admin", "role_changed", "password_changed", "user_disabled"} <= reasons
    assert acts == {"admin_end_sessions", "admin_role", "admin_password", "admin_disable"}


def test_idle_and_absolute_timeouts(sqlite_url: str) -> None:
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "mod")
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    with session_scope() as s:
        s.execute(update(UserSession).values(last_seen_at=utcnow() - idle - timedelta(seconds=1)))
    assert client.get("/stats").status_code == 303
    login(client, "mod")
    with session_scope() as s:  # used a second ago, but logged in longer ago than the absolute limit
        s.execute(
            update(UserSession)
            .where(UserSession.revoked_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert client.get("/stats").status_code == 303
    assert _refusals("idle") == 1 and _refusals("expired") == 1


def test_session_id_rotates_at_every_login(sqlite_url: str) -> None:
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    client.cookies.set(COOKIE, "attacker-chosen-value", domain="testserver.local")
    login(client, "mod")
    first = client.cookies.get(COOKIE)
    assert first and first != "attacker-chosen-value"
    login(client, "mod")
    second = client.cookies.get(COOKIE)
    assert second and second != first
    assert _fresh(first).get("/stats").status_code == 303  # the previous id died with the new login
    with session_scope() as s:
        stored = set(s.execute(select(UserSession.token_hash)).scalars())
    assert first not in stored and second not in stored  # only keyed hashes are stored


def test_no_server_without_a_private_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.cli import app as cli
    from flows.cli_review import serve_key

    monkeypatch.setenv("CHHMAM_DATA_DIR", str(tmp_path))
    for bad in ("", OLD_PUBLIC_KEY, "short"):
        monkeypatch.setenv("CHHMAM_SECRET_KEY", bad)
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="CHHMAM_SECRET_KEY"):
            create_app()
        r = CliRunner().invoke(cli, ["serve", "--port", "1"])
        assert r.exit_code != 0 and "CHHMAM_SECRET_KEY" in r.output
    monkeypatch.setenv("CHHMAM_SECRET_KEY", "")
    get_settings.cache_clear()
    with pytest.raises(typer.BadParameter):
        serve_key(True, "0.0.0.0")  # noqa: S104 (the refusal under test)
    key = serve_key(True, "127.0.0.1")
    path = tmp_path / "secret_key"
    assert len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert serve_key(True, "127.0.0.1") == key  # generated once, then reused
    path.chmod(0o644)
    with pytest.raises(typer.BadParameter, match="readable by others"):
        serve_key(True, "127.0.0.1")
    get_settings.cache_clear()


def test_admin_page_is_for_admins_and_keeps_one_admin(sqlite_url: str) -> None:
    users = add_users(("boss", "admin"), ("mod", "moderator"))
    mod = TestClient(create_app(), follow_redirects=False)
    mtok = login(mod, "mod")
    assert mod.post(f"/admin/users/{users['boss']}", data={"csrf": mtok, "op": "disable"}).status_code == 403
    admin = TestClient(create_app(), follow_redirects=False)
    atok = login(admin, "boss")
    for op, extra in (("disable", {}), ("role", {"role": "moderator"})):
        r = admin.post(f"/admin/users/{users['boss']}", data={"csrf": atok, "op": op, **extra})
        assert r.status_code == 400
    r = admin.post(
        "/admin/users",
        data={"csrf": atok, "username": "eve\u202emod", "password": "a long enough one", "role": "moderator"},
    )
    assert r.status_code == 400  # no new name with a direction override or an invisible character
    assert admin.get("/admin/users").status_code == 200
