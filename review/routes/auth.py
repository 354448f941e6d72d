"""Login, logout and the language switch.

A login counts against the throttle before the password is checked, audits failures and
throttling, and always starts a new session id (an id known before the login is worthless).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review import auth
from review.visible import visible
from review.web import (
    DB,
    LANG_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Csrf,
    CurrentDep,
    LoggedIn,
    address,
    lang_of,
    render,
    set_cookie,
)
from store import audit, sessions
from store.settings import get_settings

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, _cur: CurrentDep) -> HTMLResponse:
    return render(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request, session: DB, cur: CurrentDep, username: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    addr = address(request)
    who = {"address": addr, "username_sha256": auth.username_digest(username)}
    wait = auth.throttle_attempt(username, addr)
    if wait is not None:
        audit.record(
            session, None, "login_throttled", "user", visible(username)[:80], {**who, "retry_after_s": round(wait, 1)}
        )
        resp = render(request, "login.html", {"error": "too_many"}, status=429)
        resp.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        return resp
    user = auth.authenticate(session, username, password)
    if user is None:
        audit.record(session, None, "login_failed", "user", visible(username)[:80], who)
        return render(request, "login.html", {"error": "bad_login"}, status=401)
    auth.throttle_success(session, username, addr)
    lang = lang_of(request)
    if cur is not None:  # a new id at every login: an id known before it (fixation) is worthless
        sessions.revoke(session, [cur.row.id], "new_login")
    sid = auth.new_session_id()
    s = get_settings()
    row = sessions.create(
        session, user.id, auth.session_hash(sid), auth.new_csrf(), lang, addr, timedelta(hours=s.session_absolute_hours)
    )
    audit.record(session, user.id, "login", "user", str(user.id), {"address": addr, "session": row.id})
    done = RedirectResponse(
        "/stats" if user.role == "analyst" else "/admin/users" if user.role == "admin" else "/", status_code=303
    )
    set_cookie(done, SESSION_COOKIE, sid)
    done.delete_cookie(LOGIN_COOKIE, path="/")
    return done


@router.post("/logout", dependencies=[Csrf])
def logout(cur: LoggedIn, session: DB) -> Response:
    sessions.revoke(session, [cur.row.id], "logout")
    audit.record(session, cur.user.id, "logout", "user", str(cur.user.id), {"session": cur.row.id})
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.post("/lang", dependencies=[Csrf])
def switch_lang(
    cur: LoggedIn, session: DB, lang: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    chosen = "km" if lang == "km" else "en"
    sessions.update_fields(session, cur.row.id, lang=chosen)
    safe_back = back if back.startswith("/") and not back.startswith("//") and "\\" not in back else "/"
    resp = RedirectResponse(safe_back, status_code=303)
    set_cookie(resp, LANG_COOKIE, chosen, max_age=365 * 86400)
    return resp
