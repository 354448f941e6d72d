"""The moderators' web app: FastAPI, server-rendered Jinja2 templates, htmx served from the package.

Security model:

* Every route except login, static files, the font and the health check needs a live server-side
  session (``store.sessions``); the cookie holds only a random id, so logout, a password reset,
  disabling a user, a role change or "end sessions" end every copy of it at once. Sessions also
  end after ``CHHMAM_SESSION_IDLE_MINUTES`` unused and ``CHHMAM_SESSION_ABSOLUTE_HOURS`` after login.
* Roles gate the rest (analysts see aggregates only, never post text; admins manage users).
* Every POST carries the session's CSRF token (the login form a token keyed to a nonce cookie).
* Post text reaches the browser only after a reveal is recorded: the item page carries none (nor
  the text of the post's later versions, only when they arrived), the reveal returns it (htmx),
  and evidence downloads count as exposure. Moderators read only items
  that are open, theirs, or awaiting a second reviewer; leads read any item, audited.
* Every view of an item, every reveal and every decision is written to the audit log, and so is
  every refused session cookie, failed or throttled login and malformed request.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from review import auth, service
from review.evidence import build_evidence, edits_of, evidence_pdf, indicators, khmer_font_path, segments
from review.explain import top_words
from review.i18n import translator
from review.visible import visible
from store import audit, decisions, queue, sessions, users
from store.db import session_scope
from store.schema import Decision, Post, QueueItem, User, UserSession, utcnow
from store.settings import get_settings

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.filters["visible"] = visible
PUBLIC = {"/login", "/healthz", "/static", "/fonts/noto-sans-khmer.ttf"}
REVIEWERS = ("moderator", "lead")
BREAK_AFTER = int(os.environ.get("CHHMAM_BREAK_AFTER", "25"))
EXPOSURE_WINDOW = timedelta(hours=4)
REVEAL_FOR = timedelta(minutes=30)  # a reload within this long after a reveal shows the text without a new one
EXPOSURE_ACTIONS = ("reveal", "view_evidence")
SESSION_COOKIE = "chhmam_session"
LOGIN_COOKIE = "chhmam_login"
LANG_COOKIE = "chhmam_lang"
MAX_ID = 2**31 - 1  # queue item ids are 32-bit integers on PostgreSQL
MODERATOR_READS = ("open", "referral_pending")
ERROR_KEYS = {400: "err_400", 401: "err_401", 403: "err_403", 404: "err_404", 405: "err_405", 409: "err_409",
              422: "err_422", 429: "too_many", 500: "err_500", 503: "err_503"}
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
}
log = logging.getLogger("chhmam.review")


class NotLoggedIn(Exception):
    """Raised by ``Auth`` for anonymous requests; turned into a redirect (GET) or 401."""


@dataclass(frozen=True)
class Current:
    """The request's live session and its user (detached copies, read-only)."""

    row: UserSession
    user: User


def _db() -> Any:
    with session_scope() as s:
        yield s


# scope="function": the transaction commits when the endpoint returns, BEFORE the response is sent,
# so a client never sees "claimed" for a claim that is not yet committed (FastAPI's default for
# dependencies with yield is to finish them after the response).
DB = Annotated[Session, Depends(_db, scope="function")]
ItemId = Annotated[int, PathParam(ge=1, le=MAX_ID)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _current(request: Request) -> Current | None:
    """The live session named by the cookie, or None; a refused cookie is audited (own transaction).

    The lookup commits on its own so that an idle session's revocation and the audit row of a
    refused cookie survive the error response that follows.
    """
    if hasattr(request.state, "current"):
        return request.state.current  # type: ignore[no-any-return]
    request.state.current = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    s = get_settings()
    with session_scope() as db:
        found = sessions.lookup(db, auth.session_hash(cookie[:200]),
                                timedelta(minutes=s.session_idle_minutes))
        if found.row is None or found.user is None:
            request.state.refused = True
            audit.record(db, None, "session_refused", "session", None,
                         {"reason": found.refused, "address": _address(request),
                          "path": visible(request.url.path)[:200]})
            return None
        request.state.current = Current(found.row, found.user)
    return request.state.current  # type: ignore[no-any-return]


CurrentDep = Annotated[Current | None, Depends(_current)]


def _user(cur: CurrentDep) -> User:
    if cur is None:
        raise NotLoggedIn()
    return cur.user


Auth = Annotated[User, Depends(_user)]


def _csrf_expected(request: Request, cur: Current | None) -> str | None:
    if cur is not None:
        return cur.row.csrf
    nonce = request.cookies.get(LOGIN_COOKIE)
    return auth.login_csrf(nonce[:100]) if nonce else None


async def _csrf(request: Request, cur: CurrentDep) -> None:
    """Refuse a malformed form (NUL bytes: 400, audited) or a wrong CSRF token (403)."""
    form = await request.form()
    bad = sorted({visible(k)[:40] for k, v in form.multi_items() if isinstance(v, str) and "\x00" in v + k})
    if bad:
        audit.record_now(cur.user.id if cur else None, "bad_request", "request", visible(request.url.path)[:80],
                         {"reason": "NUL byte in a form field", "address": _address(request), "fields": bad})
        raise HTTPException(status_code=400, detail="a form field contains a NUL byte")
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not auth.csrf_ok(_csrf_expected(request, cur), sent if isinstance(sent, str) else None):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


Csrf = Depends(_csrf)


def _need(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(status_code=403, detail="your role cannot use this page")


def _lang(request: Request) -> str:
    cur = getattr(request.state, "current", None)
    lang = cur.row.lang if isinstance(cur, Current) else request.cookies.get(LANG_COOKIE, "en")
    return "km" if lang == "km" else "en"


def _set_cookie(resp: Response, name: str, value: str, max_age: int | None = None) -> None:
    resp.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                    secure=get_settings().cookie_secure)


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render a page; an anonymous visitor gets a login nonce cookie for the login form's CSRF token."""
    lang = _lang(request)
    cur = getattr(request.state, "current", None)
    nonce = None
    if isinstance(cur, Current):
        csrf: str | None = cur.row.csrf
    else:
        nonce = request.cookies.get(LOGIN_COOKIE) or auth.new_csrf()
        csrf = auth.login_csrf(nonce[:100])
    base = {"t": translator(lang), "lang": lang, "csrf": csrf,
            "user": ctx.pop("_user", cur.user if isinstance(cur, Current) else None)}
    resp = TEMPLATES.TemplateResponse(request, name, {**base, **ctx}, status_code=status)
    if nonce is not None and request.cookies.get(LOGIN_COOKIE) != nonce:
        _set_cookie(resp, LOGIN_COOKIE, nonce, max_age=3600)
    if getattr(request.state, "refused", False):
        resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


def _exposure(session: Session, user: User) -> int:
    return audit.count_since(session, EXPOSURE_ACTIONS, utcnow() - EXPOSURE_WINDOW, user_id=user.id)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _age(item: QueueItem) -> str:
    t = item.enqueued_at if item.enqueued_at.tzinfo else item.enqueued_at.replace(tzinfo=utcnow().tzinfo)
    mins = int((utcnow() - t).total_seconds() // 60)
    return f"{mins // 1440}d {mins % 1440 // 60}h" if mins >= 1440 else f"{mins // 60}h {mins % 60}m"


def _readable(session: Session, user: User, item_id: int) -> tuple[QueueItem, Post, bool]:
    """The item and post if ``user`` may read it (404/403 otherwise); the flag says it is someone else's.

    Moderators read open items, items awaiting a second reviewer, items they hold and items whose
    latest decision is theirs (undo). Leads read any item; reading one another reviewer holds or
    decided is flagged, and the caller audits it.
    """
    found = queue.get_item(session, item_id)
    if found is None:
        raise HTTPException(status_code=404)
    item, post = found
    own = item.status in MODERATOR_READS or item.claimed_by == user.id
    if not own:
        last = decisions.latest_active(session, item_id)
        own = last is not None and last.user_id == user.id
    if not own and user.role != "lead":
        audit.record(session, user.id, "read_refused", "queue_item", str(item_id), {"status": item.status})
        session.commit()  # the refusal stays on record although the request ends in an error
        raise HTTPException(status_code=403, detail="this item is another reviewer's")
    return item, post, not own


def _revealed(session: Session, user: User, item_id: int) -> bool:
    """Whether ``user`` recorded a reveal (or evidence download) of this item recently."""
    return audit.count_since(session, EXPOSURE_ACTIONS, utcnow() - REVEAL_FOR, object_id=str(item_id),
                             user_id=user.id) > 0


def _edits_ctx(session: Session, post: Post, revealed: bool) -> dict[str, Any]:
    """The post's later versions: when each arrived always; their text only once a reveal is recorded.

    An edit is post text like any other, so it follows the same rule: before the reveal the page
    says how many versions there are and when they arrived, and carries none of their text.
    """
    edits = edits_of(session, post.id)
    if not revealed:
        edits = [{k: v for k, v in e.items() if k not in ("text", "sha256")} for e in edits]
    return {"edits": edits}


def _text_ctx(session: Session, item: QueueItem, post: Post) -> dict[str, Any]:
    """What the reveal shows: the text with indicators, the words that drove the score, cluster samples.

    The text of each later version of the post (an edit) comes with it, under the same reveal.
    """
    found_ind = indicators(post.text)
    drivers, drivers_model = top_words(post.text, list(item.labels))
    samples: list[str] = []
    if post.cluster_id is not None:
        samples = list(session.execute(select(Post.text).where(Post.cluster_id == post.cluster_id,
                                                               Post.id != post.id).limit(3)).scalars())
    return {"segments": segments(post.text, found_ind), "drivers": drivers, "drivers_model": drivers_model,
            "samples": samples, "revealed": True, **_edits_ctx(session, post, revealed=True)}


def uvicorn_options() -> dict[str, Any]:
    """How uvicorn must run this app: forwarded headers trusted only from the configured proxies."""
    allow = get_settings().forwarded_allow_ips.strip()
    return {"proxy_headers": bool(allow), "forwarded_allow_ips": allow or "", "server_header": False}


def create_app() -> FastAPI:
    """Build the app; the database is the configured one, the secret key must be set (ValueError if not)."""
    settings = get_settings()
    auth.check_key(settings.secret_key)
    app = FastAPI(title="Chhmam review", docs_url=None, redoc_url=None, openapi_url=None)
    app.router.redirect_slashes = False  # its redirect is built from the Host header; ours is relative
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _errors(app)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if len(path) > 1 and path.endswith("/") and not path.startswith("/static/"):
            return RedirectResponse("/" + path.strip("/"), status_code=308)
        if "\x00" in request.url.query or "%00" in request.url.query:
            return JSONResponse({"detail": "NUL byte in the query"}, status_code=400)
        resp: Response = await call_next(request)
        resp.headers.update(SECURITY_HEADERS)
        return resp

    @app.get("/healthz")
    def healthz() -> Response:
        try:
            with session_scope() as s:
                queue.ping(s)
        except SQLAlchemyError:
            log.exception("health check: the database does not answer")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get("/fonts/noto-sans-khmer.ttf")
    def khmer_font() -> FileResponse:
        return FileResponse(khmer_font_path(), media_type="font/ttf")

    _login_routes(app)
    _item_routes(app)
    _admin_routes(app)
    return app


def _errors(app: FastAPI) -> None:
    """Error pages in the reader's language; JSON for htmx and API callers. Never a stack trace."""

    def _page(request: Request, status: int, detail: str | None, incident: str | None = None) -> Response:
        if request.headers.get("hx-request") or "text/html" not in request.headers.get("accept", "text/html"):
            return JSONResponse({"detail": detail or "", **({"incident": incident} if incident else {})},
                                status_code=status)
        t = translator(_lang(request))
        return _render(request, "error.html", {"status": status, "message": t.get(ERROR_KEYS.get(status, ""),
                                                                                    t["err_other"]),
                                               "detail": detail, "incident": incident}, status=status)

    @app.exception_handler(NotLoggedIn)
    async def _to_login(request: Request, _exc: NotLoggedIn) -> Response:
        resp: Response = (RedirectResponse("/login", status_code=303) if request.method == "GET"
                          else JSONResponse({"detail": "log in first"}, status_code=401))
        if getattr(request.state, "refused", False):
            resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        resp = _page(request, exc.status_code, str(exc.detail) if exc.detail else None)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _exc: RequestValidationError) -> Response:
        return _page(request, 422, "malformed request")

    @app.exception_handler(auth.Busy)
    async def _busy(request: Request, _exc: auth.Busy) -> Response:
        return _page(request, 503, "too many logins at once; try again")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        """A bug or an outage: the reader gets a localized page and an incident number, the log the traceback.

        Starlette's outermost middleware calls this, outside the one that adds the security headers,
        so they are set here; the exception is re-raised after the response for the server's own log.
        """
        incident = secrets.token_hex(6)
        log.error("unhandled error, incident %s: %s %s", incident, request.method,
                  visible(request.url.path)[:200], exc_info=exc)
        try:
            resp = _page(request, 500, None, incident)
        except Exception:  # the error page itself failed (templates, settings): a plain one still says little
            log.exception("incident %s: the error page failed too", incident)
            resp = JSONResponse({"detail": "internal error", "incident": incident}, status_code=500)
        resp.headers.update(SECURITY_HEADERS)
        resp.headers["X-Incident"] = incident
        return resp


def _login_routes(app: FastAPI) -> None:
    """Login, logout and the language switch."""

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, _cur: CurrentDep) -> HTMLResponse:
        return _render(request, "login.html", {"error": None})

    @app.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
    def login(request: Request, session: DB, cur: CurrentDep, username: Annotated[str, Form()],
              password: Annotated[str, Form()]) -> Response:
        address = _address(request)
        who = {"address": address, "username_sha256": auth.username_digest(username)}
        wait = auth.throttle_attempt(username, address)
        if wait is not None:
            audit.record(session, None, "login_throttled", "user", visible(username)[:80],
                         {**who, "retry_after_s": round(wait, 1)})
            resp = _render(request, "login.html", {"error": "too_many"}, status=429)
            resp.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
            return resp
        user = auth.authenticate(session, username, password)
        if user is None:
            audit.record(session, None, "login_failed", "user", visible(username)[:80], who)
            return _render(request, "login.html", {"error": "bad_login"}, status=401)
        auth.throttle_success(session, username, address)
        lang = _lang(request)
        if cur is not None:  # a new id at every login: an id known before it (fixation) is worthless
            sessions.revoke(session, [cur.row.id], "new_login")
        sid = auth.new_session_id()
        s = get_settings()
        row = sessions.create(session, user.id, auth.session_hash(sid), auth.new_csrf(), lang, address,
                              timedelta(hours=s.session_absolute_hours))
        audit.record(session, user.id, "login", "user", str(user.id), {"address": address, "session": row.id})
        done = RedirectResponse("/stats" if user.role == "analyst" else
                                "/admin/users" if user.role == "admin" else "/", status_code=303)
        _set_cookie(done, SESSION_COOKIE, sid)
        done.delete_cookie(LOGIN_COOKIE, path="/")
        return done

    @app.post("/logout", dependencies=[Csrf])
    def logout(request: Request, cur: CurrentDep, user: Auth, session: DB) -> Response:
        assert cur is not None
        sessions.revoke(session, [cur.row.id], "logout")
        audit.record(session, user.id, "logout", "user", str(user.id), {"session": cur.row.id})
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        return resp

    @app.post("/lang", dependencies=[Csrf])
    def switch_lang(cur: CurrentDep, user: Auth, session: DB, lang: Annotated[str, Form()],
                    back: Annotated[str, Form()] = "/") -> Response:
        assert cur is not None
        chosen = "km" if lang == "km" else "en"
        sessions.update_fields(session, cur.row.id, lang=chosen)
        safe_back = back if back.startswith("/") and not back.startswith("//") and "\\" not in back else "/"
        resp = RedirectResponse(safe_back, status_code=303)
        _set_cookie(resp, LANG_COOKIE, chosen, max_age=365 * 86400)
        return resp


def _item_routes(app: FastAPI) -> None:
    """The queue, items, reveals, decisions and evidence."""

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, user: Auth, session: DB, label: str = "", lang: str = "",
                   source: str = "", status: str = "open") -> Response:
        if user.role == "analyst":
            return RedirectResponse("/stats", status_code=303)
        if user.role == "admin":
            return RedirectResponse("/admin/users", status_code=303)
        if status not in ("open", "escalated", "claimed", "referral_pending"):
            status = "open"
        filters = {"label": label[:40], "lang": lang[:10], "source": source[:100]}
        rows = queue.list_items(session, status=status, limit=100, filters=filters)
        counts = queue.count_by_status(session)
        now = utcnow()
        view = [{"item": it, "post": p, "age": _age(it),
                 "eff": queue.effective_priority(it.priority, it.enqueued_at, now)} for it, p in rows]
        return _render(request, "queue.html", {"_user": user, "rows": view, "total": counts.get(status, 0),
                                               "counts": counts, "filters": filters, "status": status})

    @app.post("/claim", dependencies=[Csrf])
    def claim(user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        try:
            got = service.claim_next(session, user)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)

    @app.post("/items/{item_id}/claim", dependencies=[Csrf])
    def claim_one(item_id: ItemId, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        try:
            ok = service.claim_item(session, user, item_id)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        if not ok:
            raise HTTPException(status_code=409, detail="someone else has this item")
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: ItemId, cur: CurrentDep, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        item, post, others = _readable(session, user, item_id)
        audit.record(session, user.id, "view", "queue_item", str(item_id),
                     {"status": item.status, **({"others_item": True} if others else {})})
        scores = decisions.scores_for(session, post.id, item.model_version)
        cluster_size = 1
        if post.cluster_id is not None:
            cluster_size = int(session.scalar(select(func.count(Post.id)).where(Post.cluster_id == post.cluster_id))
                               or 1)
        last = decisions.latest_active(session, item_id)
        exposure = _exposure(session, user)
        prev_id, next_id = queue.neighbours(session, item)
        undo_prev = None
        last_id = cur.row.last_decided if cur else None
        if isinstance(last_id, int) and last_id != item_id:
            prev_decision = decisions.latest_active(session, last_id)
            if (prev_decision is not None and prev_decision.user_id == user.id
                    and utcnow() - _aware(prev_decision.created_at) <= service.UNDO_WINDOW):
                undo_prev = last_id
        lease_ok = item.lease_expires_at is not None and _aware(item.lease_expires_at) >= utcnow()
        ctx: dict[str, Any] = {
            "_user": user, "item": item, "post": post, "indicators": indicators(post.text), "scores": scores,
            "cluster_size": cluster_size, "history": decisions.for_item(session, item_id),
            "mine": item.status == "claimed" and item.claimed_by == user.id and lease_ok,
            "can_undo": last is not None and last.user_id == user.id,
            "can_approve": item.status == "referral_pending" and last is not None and last.user_id != user.id,
            "exposure": exposure, "take_break": exposure >= BREAK_AFTER, "labels": service.LABELS,
            "prev_id": prev_id, "next_id": next_id, "undo_prev": undo_prev, "revealed": False,
            **_edits_ctx(session, post, revealed=False),
        }
        if _revealed(session, user, item_id):
            ctx.update(_text_ctx(session, item, post))
        return _render(request, "item.html", ctx)

    @app.post("/items/{item_id}/reveal", dependencies=[Csrf])
    def reveal(request: Request, item_id: ItemId, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        item, post, others = _readable(session, user, item_id)
        audit.record(session, user.id, "reveal", "queue_item", str(item_id),
                     {"others_item": True} if others else {})
        session.flush()
        if not request.headers.get("hx-request"):
            return RedirectResponse(f"/items/{item_id}", status_code=303)
        exposure = _exposure(session, user)
        return _render(request, "_reveal.html", {"item": item, "post": post, "exposure": exposure,
                                                 "take_break": exposure >= BREAK_AFTER,
                                                 **_text_ctx(session, item, post)})

    @app.post("/items/{item_id}/decide", dependencies=[Csrf])
    def decide(item_id: ItemId, cur: CurrentDep, user: Auth, session: DB, action: Annotated[str, Form()],
               labels: Annotated[list[str] | None, Form()] = None, note: Annotated[str, Form()] = "",
               next_item: Annotated[str, Form(alias="next")] = "") -> Response:
        _need(user, *REVIEWERS)
        assert cur is not None
        try:
            service.decide(session, user, item_id, action, labels or [], note.strip()[:2000] or None)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        sessions.update_fields(session, cur.row.id, last_decided=item_id)  # the next page offers to undo it
        if next_item:
            try:
                got = service.claim_next(session, user)
            except service.ReviewError:
                got = None
            return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.post("/items/{item_id}/undo", dependencies=[Csrf])
    def undo(item_id: ItemId, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        try:
            service.undo(session, user, item_id)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.post("/items/{item_id}/approve", dependencies=[Csrf])
    def approve(item_id: ItemId, user: Auth, session: DB, note: Annotated[str, Form()] = "") -> Response:
        _need(user, *REVIEWERS)
        try:
            service.approve_referral(session, user, item_id, note.strip()[:2000] or None)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    def _audited_evidence(session: Session, user: User, item_id: int, fmt: str) -> dict[str, Any]:
        """The evidence package of an item the user may read; a download is audited and counts as exposure."""
        _item, _post, others = _readable(session, user, item_id)
        ev = build_evidence(session, item_id)
        audit.record(session, user.id, "view_evidence", "queue_item", str(item_id),
                     {"format": fmt, **({"others_item": True} if others else {})})
        return ev

    @app.get("/items/{item_id}/evidence.json")
    def evidence_json(item_id: ItemId, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        ev = _audited_evidence(session, user, item_id, "json")
        return Response(json.dumps(ev, ensure_ascii=False, indent=2), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="evidence-{item_id}.json"'})

    @app.get("/items/{item_id}/evidence.pdf")
    def evidence_pdf_view(item_id: ItemId, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        ev = _audited_evidence(session, user, item_id, "pdf")
        return Response(evidence_pdf(ev), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="evidence-{item_id}.pdf"'})

    @app.get("/referrals", response_class=HTMLResponse)
    def referrals(request: Request, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        rows = queue.list_items(session, status="referral_pending", limit=100)
        view = [{"item": it, "post": p, "age": _age(it),
                 "eff": queue.effective_priority(it.priority, it.enqueued_at)} for it, p in rows]
        return _render(request, "referrals.html", {"_user": user, "rows": view})

    @app.get("/stats", response_class=HTMLResponse)
    def stats(request: Request, user: Auth, session: DB) -> Response:
        _need(user, "analyst", "lead", "admin", "moderator")
        by_action = {str(a): int(n) for a, n in session.execute(
            select(Decision.action, func.count(Decision.id)).where(Decision.undone_at.is_(None))
            .group_by(Decision.action))}
        by_lang = {str(lg or "?"): int(n) for lg, n in session.execute(
            select(Post.lang, func.count(QueueItem.id)).join(Post, Post.id == QueueItem.post_id).group_by(Post.lang))}
        return _render(request, "stats.html", {"_user": user, "counts": queue.count_by_status(session),
                                               "by_action": by_action, "by_lang": by_lang})


def _admin_routes(app: FastAPI) -> None:
    """Users: create, disable/enable, reset password, end sessions, change role — each audited."""

    def _target(session: Session, user_id: int) -> User:
        target = users.get_user(session, user_id)
        if target is None:
            raise HTTPException(status_code=404)
        return target

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request, user: Auth, session: DB) -> Response:
        _need(user, "admin")
        rows = [{"u": u, "sessions": sessions.live_count(session, u.id)} for u in users.list_users(session)]
        return _render(request, "users.html", {"_user": user, "rows": rows, "roles": users.ROLES, "error": None})

    @app.post("/admin/users", dependencies=[Csrf])
    def create_user(user: Auth, session: DB, username: Annotated[str, Form()],
                    password: Annotated[str, Form()], role: Annotated[str, Form()]) -> Response:
        _need(user, "admin")
        if len(password) < 12 or len(password) > auth.MAX_PASSWORD:
            raise HTTPException(status_code=400, detail="passwords need 12 to 1024 characters")
        try:
            new = users.create_user(session, username.strip()[:100], auth.hash_password(password), role)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        audit.record(session, user.id, "create_user", "user", str(new.id), {"role": role})
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{user_id}", dependencies=[Csrf])
    def change_user(user: Auth, session: DB, user_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                    op: Annotated[str, Form()], role: Annotated[str, Form()] = "",
                    password: Annotated[str, Form()] = "") -> Response:
        _need(user, "admin")
        target = _target(session, user_id)
        if target.id == user.id and op in ("disable", "role"):
            raise HTTPException(status_code=400, detail="an admin cannot disable or demote themselves here")
        detail: dict[str, Any] = {"op": op}
        if op == "disable":
            users.set_active(session, target.id, False)
        elif op == "enable":
            users.set_active(session, target.id, True)
        elif op == "end_sessions":
            detail["ended"] = sessions.revoke_all(session, target.id, "ended_by_admin")
        elif op == "role":
            try:
                users.set_role(session, target.id, role)
            except ValueError as exc:
                raise HTTPException(status_code=400, detail=str(exc)) from exc
            detail["role"] = role
        elif op == "password":
            if len(password) < 12 or len(password) > auth.MAX_PASSWORD:
                raise HTTPException(status_code=400, detail="passwords need 12 to 1024 characters")
            users.set_password_hash(session, target, auth.hash_password(password))
        else:
            raise HTTPException(status_code=400, detail="unknown operation")
        audit.record(session, user.id, f"admin_{op}", "user", str(target.id), detail)
        return RedirectResponse("/admin/users", status_code=303)
