"""What every router of the review app shares: the request's session and user, roles, CSRF, rendering.

The routers in ``review.routes`` declare what a page needs as FastAPI dependencies from here
(``DB``, ``Auth``, ``Reviewer``, ``require_role``, ``Csrf``), so a page cannot forget a check: the
dependency runs before the page's code, and a request that fails it never reaches the page.

* ``current``: the live server-side session named by the cookie (``store.sessions``); the cookie
  holds only a random id, so logout, a password reset, disabling a user, a role change or "end
  sessions" end every copy of it at once. A refused cookie is audited.
* ``Auth``: the logged-in user, else ``NotLoggedIn`` (a redirect to the login page, or 401).
* ``require_role``: 403 unless the user's role is one of those named. Like every dependency it runs
  before FastAPI validates the path and form, so a role that cannot use a page gets 403 there even
  for a malformed request (a reviewer gets the 422).
* ``Csrf``: every POST carries the session's CSRF token (the login form a token keyed to a nonce
  cookie); a form field with a NUL byte is refused (400) and audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from review import auth, service
from review.i18n import translator
from review.visible import visible
from store import audit, sessions
from store.db import session_scope
from store.schema import User, UserSession
from store.settings import get_settings

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.filters["visible"] = visible
SESSION_COOKIE = "chhmam_session"
LOGIN_COOKIE = "chhmam_login"
LANG_COOKIE = "chhmam_lang"
MAX_ID = 2**31 - 1  # queue item and user ids are 32-bit integers on PostgreSQL
REVIEWERS = service.REVIEWERS
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class NotLoggedIn(Exception):
    """Raised by ``Auth`` for anonymous requests; turned into a redirect (GET) or 401."""


@dataclass(frozen=True)
class Current:
    """The request's live session and its user (detached copies, read-only)."""

    row: UserSession
    user: User


def db_session() -> Iterator[Session]:
    """The request's transaction: committed when the page's code returns, rolled back if it raises."""
    with session_scope() as s:
        yield s


# scope="function": the transaction commits when the endpoint returns, BEFORE the response is sent,
# so a client never sees "claimed" for a claim that is not yet committed (FastAPI's default for
# dependencies with yield is to finish them after the response).
DB = Annotated[Session, Depends(db_session, scope="function")]
ItemId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
UserId = Annotated[int, PathParam(ge=1, le=MAX_ID)]


def address(request: Request) -> str:
    """The client's address as the server sees it (behind a trusted proxy: the forwarded one)."""
    return request.client.host if request.client else "?"


def current(request: Request) -> Current | None:
    """The live session named by the cookie, or None; a refused cookie is audited (own transaction).

    The lookup commits on its own so that an idle session's revocation and the audit row of a
    refused cookie survive the error response that follows. The answer is kept on the request, so
    every dependency and handler of one request sees the same session.
    """
    if hasattr(request.state, "current"):
        return request.state.current  # type: ignore[no-any-return]
    request.state.current = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    s = get_settings()
    with session_scope() as db:
        found = sessions.lookup(db, auth.session_hash(cookie[:200]), timedelta(minutes=s.session_idle_minutes))
        if found.row is None or found.user is None:
            request.state.refused = True
            audit.record(
                db,
                None,
                "session_refused",
                "session",
                None,
                {"reason": found.refused, "address": address(request), "path": visible(request.url.path)[:200]},
            )
            return None
        request.state.current = Current(found.row, found.user)
    return request.state.current  # type: ignore[no-any-return]


CurrentDep = Annotated[Current | None, Depends(current)]


def logged_in(cur: CurrentDep) -> Current:
    """The live session, or ``NotLoggedIn``."""
    if cur is None:
        raise NotLoggedIn()
    return cur


LoggedIn = Annotated[Current, Depends(logged_in)]


def current_user(cur: LoggedIn) -> User:
    """The logged-in user, or ``NotLoggedIn``."""
    return cur.user


Auth = Annotated[User, Depends(current_user)]


def require_role(*roles: str) -> Callable[[User], User]:
    """A dependency: the logged-in user if their role is one of ``roles``, else 403 (anonymous: NotLoggedIn)."""

    def check(user: Auth) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=403, detail="your role cannot use this page")
        return user

    return check


current_reviewer = require_role(*REVIEWERS)
Reviewer = Annotated[User, Depends(current_reviewer)]
"""A moderator or a lead: the roles that read post text and decide items."""


def _csrf_expected(request: Request, cur: Current | None) -> str | None:
    if cur is not None:
        return cur.row.csrf
    nonce = request.cookies.get(LOGIN_COOKIE)
    return auth.login_csrf(nonce[:100]) if nonce else None


async def check_csrf(request: Request, cur: CurrentDep) -> None:
    """Refuse a malformed form (NUL bytes: 400, audited) or a wrong CSRF token (403)."""
    form = await request.form()
    bad = sorted({visible(k)[:40] for k, v in form.multi_items() if isinstance(v, str) and "\x00" in v + k})
    if bad:
        audit.record_now(
            cur.user.id if cur else None,
            "bad_request",
            "request",
            visible(request.url.path)[:80],
            {"reason": "NUL byte in a form field", "address": address(request), "fields": bad},
        )
        raise HTTPException(status_code=400, detail="a form field contains a NUL byte")
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not auth.csrf_ok(_csrf_expected(request, cur), sent if isinstance(sent, str) else None):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


Csrf = Depends(check_csrf)


def lang_of(request: Request) -> str:
    """The reader's language: the session's, else the language cookie's; English unless Khmer."""
    cur = getattr(request.state, "current", None)
    lang = cur.row.lang if isinstance(cur, Current) else request.cookies.get(LANG_COOKIE, "en")
    return "km" if lang == "km" else "en"


def set_cookie(resp: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Set one of the app's cookies: HTTP-only, same-site strict, Secure when configured."""
    resp.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="strict", secure=get_settings().cookie_secure
    )


def render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page; an anonymous visitor gets a login nonce cookie for the login form's CSRF token.

    ``ctx["_user"]`` names the user the header shows (default: the session's); a refused session
    cookie is deleted from the browser.
    """
    lang = lang_of(request)
    cur = getattr(request.state, "current", None)
    nonce = None
    if isinstance(cur, Current):
        csrf: str | None = cur.row.csrf
    else:
        nonce = request.cookies.get(LOGIN_COOKIE) or auth.new_csrf()
        csrf = auth.login_csrf(nonce[:100])
    base = {
        "t": translator(lang),
        "lang": lang,
        "csrf": csrf,
        "user": ctx.pop("_user", cur.user if isinstance(cur, Current) else None),
    }
    resp = TEMPLATES.TemplateResponse(request, name, {**base, **ctx}, status_code=status)
    if nonce is not None and request.cookies.get(LOGIN_COOKIE) != nonce:
        set_cookie(resp, LOGIN_COOKIE, nonce, max_age=3600)
    if getattr(request.state, "refused", False):
        resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp
