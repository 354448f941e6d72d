"""Error answers of the review app, registered once for every router: never a stack trace.

A browser gets a page in the reader's language; htmx and API callers get JSON. The review rules'
refusals (``service.ReviewError``: claim lost, window passed, cap reached) are a 409 wherever they
are raised, so a router calls the rules and lets their refusal through. An unexpected exception is a
localized 500 page with an incident number, the same number the log records with the traceback.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from review import auth, service
from review.i18n import translator
from review.visible import visible
from review.web import SECURITY_HEADERS, SESSION_COOKIE, NotLoggedIn, lang_of, render

ERROR_KEYS = {
    400: "err_400",
    401: "err_401",
    403: "err_403",
    404: "err_404",
    405: "err_405",
    409: "err_409",
    422: "err_422",
    429: "too_many",
    500: "err_500",
    503: "err_503",
}
log = logging.getLogger("chhmam.review")


def error_page(request: Request, status: int, detail: str | None, incident: str | None = None) -> Response:
    """The error page (HTML for a browser, JSON for htmx and API callers) for ``status``."""
    if request.headers.get("hx-request") or "text/html" not in request.headers.get("accept", "text/html"):
        return JSONResponse(
            {"detail": detail or "", **({"incident": incident} if incident else {})}, status_code=status
        )
    t = translator(lang_of(request))
    return render(
        request,
        "error.html",
        {
            "status": status,
            "message": t.get(ERROR_KEYS.get(status, ""), t["err_other"]),
            "detail": detail,
            "incident": incident,
        },
        status=status,
    )


async def _to_login(request: Request, _exc: Exception) -> Response:
    resp: Response = (
        RedirectResponse("/login", status_code=303)
        if request.method == "GET"
        else JSONResponse({"detail": "log in first"}, status_code=401)
    )
    if getattr(request.state, "refused", False):
        resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    resp = error_page(request, exc.status_code, str(exc.detail) if exc.detail else None)
    for k, v in (exc.headers or {}).items():
        resp.headers[k] = v
    return resp


async def _invalid(request: Request, _exc: Exception) -> Response:
    return error_page(request, 422, "malformed request")


async def _busy(request: Request, _exc: Exception) -> Response:
    return error_page(request, 503, "too many logins at once; try again")


async def _refused(request: Request, exc: Exception) -> Response:
    """A review rule refused the action: 409 with the rule's reason, which is written for the reader."""
    return error_page(request, 409, str(exc) or None)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A bug or an outage: the reader gets a localized page and an incident number, the log the traceback.

    Starlette's outermost middleware calls this, outside the one that adds the security headers,
    so they are set here; the exception is re-raised after the response for the server's own log.
    """
    incident = secrets.token_hex(6)
    log.error(
        "unhandled error, incident %s: %s %s", incident, request.method, visible(request.url.path)[:200], exc_info=exc
    )
    try:
        resp = error_page(request, 500, None, incident)
    except Exception:  # the error page itself failed (templates, settings): a plain one still says little
        log.exception("incident %s: the error page failed too", incident)
        resp = JSONResponse({"detail": "internal error", "incident": incident}, status_code=500)
    resp.headers.update(SECURITY_HEADERS)
    resp.headers["X-Incident"] = incident
    return resp


def install(app: FastAPI) -> None:
    """Register every error handler on ``app``."""
    app.add_exception_handler(NotLoggedIn, _to_login)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(auth.Busy, _busy)
    app.add_exception_handler(service.ReviewError, _refused)
    app.add_exception_handler(Exception, _unexpected)
