"""The moderators' web app: FastAPI, server-rendered Jinja2 templates, htmx served from the package.

Security model: every route except login, static files, the font and the health check needs a
logged-in user (``Auth``); roles gate the rest (analysts see aggregates only, never post text;
admins manage users). Sessions are signed cookies (HttpOnly, SameSite=strict, Secure when
``CHHMAM_COOKIE_SECURE`` is set); every POST carries the session's CSRF token. Every view of an
item, every reveal and every decision is written to the audit log.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from review import auth, service
from review.evidence import build_evidence, evidence_pdf, indicators, khmer_font_path, segments
from review.explain import top_words
from review.i18n import translator
from store import audit, decisions, queue, users
from store.db import session_scope
from store.schema import Decision, Post, QueueItem, User, utcnow
from store.settings import get_settings

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
PUBLIC = {"/login", "/healthz", "/static", "/fonts/noto-sans-khmer.ttf"}
REVIEWERS = ("moderator", "lead")
BREAK_AFTER = int(os.environ.get("CHHMAM_BREAK_AFTER", "25"))
EXPOSURE_WINDOW = timedelta(hours=4)


class NotLoggedIn(Exception):
    """Raised by ``Auth`` for anonymous requests; turned into a redirect (GET) or 401."""


def _db() -> Any:
    with session_scope() as s:
        yield s


# scope="function": the transaction commits when the endpoint returns, BEFORE the response is sent,
# so a client never sees "claimed" for a claim that is not yet committed (FastAPI's default for
# dependencies with yield is to finish them after the response).
DB = Annotated[Session, Depends(_db, scope="function")]


def _user(request: Request, session: DB) -> User:
    uid = request.session.get("uid")
    user = users.get_user(session, int(uid)) if isinstance(uid, int) else None
    if user is None or not user.active:
        request.session.clear()
        raise NotLoggedIn()
    return user


Auth = Annotated[User, Depends(_user)]


async def _csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token (form field or header) is not the session's."""
    form = await request.form()
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not auth.csrf_ok(request.session, sent if isinstance(sent, str) else None):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


Csrf = Depends(_csrf)


def _need(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(status_code=403, detail="your role cannot use this page")


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    lang = request.session.get("lang", "en")
    base = {"t": translator(lang), "lang": lang, "csrf": auth.csrf_token(request.session),
            "user": ctx.pop("_user", None)}
    return TEMPLATES.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def _exposure(session: Session, user: User) -> int:
    return audit.count_since(session, "reveal", utcnow() - EXPOSURE_WINDOW, user_id=user.id)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _age(item: QueueItem) -> str:
    t = item.enqueued_at if item.enqueued_at.tzinfo else item.enqueued_at.replace(tzinfo=utcnow().tzinfo)
    mins = int((utcnow() - t).total_seconds() // 60)
    return f"{mins // 1440}d {mins % 1440 // 60}h" if mins >= 1440 else f"{mins // 60}h {mins % 60}m"


def create_app() -> FastAPI:
    """Build the app; the database is the configured one (``CHHMAM_DATABASE_URL``)."""
    settings = get_settings()
    if settings.secret_key == type(settings).model_fields["secret_key"].default:
        logging.getLogger("chhmam.review").warning("CHHMAM_SECRET_KEY is the development default: set it in production")
    app = FastAPI(title="Chhmam review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="chhmam_session",
                       max_age=8 * 3600, same_site="strict",
                       https_only=os.environ.get("CHHMAM_COOKIE_SECURE", "").lower() in ("1", "true", "yes"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(NotLoggedIn)
    async def _to_login(request: Request, _exc: NotLoggedIn) -> Response:
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return JSONResponse({"detail": "log in first"}, status_code=401)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        resp: Response = await call_next(request)
        resp.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; style-src 'self' "
                                                   "'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/fonts/noto-sans-khmer.ttf")
    def khmer_font() -> FileResponse:
        return FileResponse(khmer_font_path(), media_type="font/ttf")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        return _render(request, "login.html", {"error": None})

    @app.post("/login", response_class=HTMLResponse, dependencies=[Csrf])
    def login(request: Request, session: DB, username: Annotated[str, Form()],
              password: Annotated[str, Form()]) -> Response:
        address = request.client.host if request.client else "?"
        if auth.rate_limited(session, username, address):
            return _render(request, "login.html", {"error": "too_many"}, status=429)
        user = auth.authenticate(session, username, password)
        if user is None:
            auth.record_failure(session, username, address)
            return _render(request, "login.html", {"error": "bad_login"}, status=401)
        lang = request.session.get("lang", "en")
        request.session.clear()  # new session on login: no fixation
        request.session.update({"uid": user.id, "lang": lang})
        audit.record(session, user.id, "login", "user", str(user.id), {"address": address})
        return RedirectResponse("/stats" if user.role == "analyst" else
                                "/admin/users" if user.role == "admin" else "/", status_code=303)

    @app.post("/logout", dependencies=[Csrf])
    def logout(request: Request, user: Auth, session: DB) -> Response:
        audit.record(session, user.id, "logout", "user", str(user.id), {})
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.post("/lang", dependencies=[Csrf])
    def switch_lang(request: Request, user: Auth, lang: Annotated[str, Form()],
                    back: Annotated[str, Form()] = "/") -> Response:
        request.session["lang"] = "km" if lang == "km" else "en"
        safe_back = back if back.startswith("/") and not back.startswith("//") else "/"
        return RedirectResponse(safe_back, status_code=303)

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
        got = service.claim_next(session, user)
        return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)

    @app.post("/items/{item_id}/claim", dependencies=[Csrf])
    def claim_one(item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        if not service.claim_item(session, user, item_id):
            raise HTTPException(status_code=409, detail="someone else has this item")
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        found = queue.get_item(session, item_id)
        if found is None:
            raise HTTPException(status_code=404)
        item, post = found
        audit.record(session, user.id, "view", "queue_item", str(item_id), {"status": item.status})
        found_ind = indicators(post.text)
        drivers, drivers_model = top_words(post.text, list(item.labels))
        scores = decisions.scores_for(session, post.id, item.model_version)
        cluster_size, samples = 1, []
        if post.cluster_id is not None:
            cluster_size = int(session.scalar(select(func.count(Post.id)).where(Post.cluster_id == post.cluster_id))
                               or 1)
            samples = list(session.execute(select(Post.text).where(Post.cluster_id == post.cluster_id,
                                                                   Post.id != post.id).limit(3)).scalars())
        history = decisions.for_item(session, item_id)
        last = decisions.latest_active(session, item_id)
        exposure = _exposure(session, user)
        prev_id, next_id = queue.neighbours(session, item)
        undo_prev = None
        last_id = request.session.get("last_decided")
        if isinstance(last_id, int) and last_id != item_id:
            prev_decision = decisions.latest_active(session, last_id)
            if (prev_decision is not None and prev_decision.user_id == user.id
                    and utcnow() - _aware(prev_decision.created_at) <= service.UNDO_WINDOW):
                undo_prev = last_id
        return _render(request, "item.html", {
            "_user": user, "item": item, "post": post, "segments": segments(post.text, found_ind),
            "indicators": found_ind, "scores": scores, "drivers": drivers, "drivers_model": drivers_model,
            "cluster_size": cluster_size, "samples": samples,
            "history": history, "mine": item.status == "claimed" and item.claimed_by == user.id,
            "can_undo": last is not None and last.user_id == user.id,
            "can_approve": item.status == "referral_pending" and last is not None and last.user_id != user.id,
            "exposure": exposure, "take_break": exposure >= BREAK_AFTER, "labels": service.LABELS,
            "prev_id": prev_id, "next_id": next_id, "undo_prev": undo_prev,
        })

    @app.post("/items/{item_id}/reveal", response_class=HTMLResponse, dependencies=[Csrf])
    def reveal(request: Request, item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        audit.record(session, user.id, "reveal", "queue_item", str(item_id), {})
        session.flush()
        exposure = _exposure(session, user)
        return _render(request, "_exposure.html", {"exposure": exposure, "take_break": exposure >= BREAK_AFTER})

    @app.post("/items/{item_id}/decide", dependencies=[Csrf])
    def decide(request: Request, item_id: int, user: Auth, session: DB, action: Annotated[str, Form()],
               labels: Annotated[list[str] | None, Form()] = None, note: Annotated[str, Form()] = "",
               next_item: Annotated[str, Form(alias="next")] = "") -> Response:
        _need(user, *REVIEWERS)
        try:
            service.decide(session, user, item_id, action, labels or [], note.strip()[:2000] or None)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        request.session["last_decided"] = item_id  # the next page offers to undo it (Submit & Next)
        if next_item:
            got = service.claim_next(session, user)
            return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.post("/items/{item_id}/undo", dependencies=[Csrf])
    def undo(item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        try:
            service.undo(session, user, item_id)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    @app.post("/items/{item_id}/approve", dependencies=[Csrf])
    def approve(item_id: int, user: Auth, session: DB, note: Annotated[str, Form()] = "") -> Response:
        _need(user, *REVIEWERS)
        try:
            service.approve_referral(session, user, item_id, note.strip()[:2000] or None)
        except service.ReviewError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        return RedirectResponse(f"/items/{item_id}", status_code=303)

    def _audited_evidence(session: Session, user_id: int, item_id: int, fmt: str) -> dict[str, Any]:
        """The evidence package of an item; every download is audited, whatever its format."""
        try:
            ev = build_evidence(session, item_id)
        except KeyError as exc:
            raise HTTPException(status_code=404) from exc
        audit.record(session, user_id, "view_evidence", "queue_item", str(item_id), {"format": fmt})
        return ev

    @app.get("/items/{item_id}/evidence.json")
    def evidence_json(item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        ev = _audited_evidence(session, user.id, item_id, "json")
        return Response(json.dumps(ev, ensure_ascii=False, indent=2), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="evidence-{item_id}.json"'})

    @app.get("/items/{item_id}/evidence.pdf")
    def evidence_pdf_view(item_id: int, user: Auth, session: DB) -> Response:
        _need(user, *REVIEWERS)
        ev = _audited_evidence(session, user.id, item_id, "pdf")
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

    @app.get("/admin/users", response_class=HTMLResponse)
    def users_page(request: Request, user: Auth, session: DB) -> Response:
        _need(user, "admin")
        return _render(request, "users.html", {"_user": user, "users": users.list_users(session),
                                               "roles": users.ROLES, "error": None})

    @app.post("/admin/users", dependencies=[Csrf])
    def create_user(request: Request, user: Auth, session: DB, username: Annotated[str, Form()],
                    password: Annotated[str, Form()], role: Annotated[str, Form()]) -> Response:
        _need(user, "admin")
        if len(password) < 12:
            raise HTTPException(status_code=400, detail="passwords need at least 12 characters")
        try:
            new = users.create_user(session, username.strip()[:100], auth.hash_password(password), role)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        audit.record(session, user.id, "create_user", "user", str(new.id), {"role": role})
        return RedirectResponse("/admin/users", status_code=303)

    return app
