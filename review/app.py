"""The moderators' web app: FastAPI, server-rendered Jinja2 templates, htmx served from the package.

``create_app`` builds the app from its parts; what each part guarantees is said where it lives:

* ``review.web``: the dependencies every page declares — the live server-side session (sessions
  end at logout, password reset, disabling, role change, "end sessions", after
  ``CHHMAM_SESSION_IDLE_MINUTES`` unused and ``CHHMAM_SESSION_ABSOLUTE_HOURS`` after login), the
  role a page needs (analysts see aggregates only, never post text; admins manage users) and the
  CSRF token every POST carries.
* ``review.access``: post text reaches the browser only after a reveal is recorded; moderators read
  only items that are open, theirs, or awaiting a second reviewer; leads read any item, audited.
* ``review.routes``: one router per concern (``auth``, ``queue``, ``evidence``, ``cases``,
  ``admin``, ``stats``, ``public``). Every view of an item, every reveal and every decision is audited, and so
  is every refused session cookie, failed or throttled login and malformed request.
* ``review.errors``: error answers in the reader's language, never a stack trace.

Every route except login, static files, the font and the health check needs a session; every
response carries the security headers (CSP, no framing, no caching).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from review import auth, errors
from review.routes import admin, cases, evidence, public, queue, stats
from review.routes import auth as login
from review.web import HERE, SECURITY_HEADERS
from store.settings import get_settings


def uvicorn_options() -> dict[str, Any]:
    """How uvicorn must run this app: forwarded headers trusted only from the configured proxies."""
    allow = get_settings().forwarded_allow_ips.strip()
    return {"proxy_headers": bool(allow), "forwarded_allow_ips": allow or "", "server_header": False}


async def _headers(request: Request, call_next: Any) -> Response:
    """Security headers on every answer; a trailing slash is a relative 308, a NUL byte in the query a 400."""
    path = request.url.path
    if len(path) > 1 and path.endswith("/") and not path.startswith("/static/"):
        return RedirectResponse("/" + path.strip("/"), status_code=308)
    if "\x00" in request.url.query or "%00" in request.url.query:
        return JSONResponse({"detail": "NUL byte in the query"}, status_code=400)
    resp: Response = await call_next(request)
    resp.headers.update(SECURITY_HEADERS)
    return resp


def create_app() -> FastAPI:
    """Build the app; the database is the configured one, the secret key must be set (ValueError if not)."""
    settings = get_settings()
    auth.check_key(settings.secret_key)
    app = FastAPI(title="Chhmam review", docs_url=None, redoc_url=None, openapi_url=None)
    app.router.redirect_slashes = False  # its redirect is built from the Host header; ours is relative
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    errors.install(app)
    app.middleware("http")(_headers)
    for module in (public, login, queue, evidence, cases, stats, admin):
        app.include_router(module.router)
    return app
