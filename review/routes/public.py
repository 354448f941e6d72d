"""What answers without a session: the health check and the Khmer web font.

The health check opens its own transaction (not the request's ``DB``), so an unreachable database
is a 503 with a short JSON body for the load balancer instead of the 500 error page.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from review.evidence import khmer_font_path
from store import queue
from store.db import session_scope

router = APIRouter()
log = logging.getLogger("chhmam.review")


@router.get("/healthz")
def healthz() -> Response:
    try:
        with session_scope() as s:
            queue.ping(s)
    except SQLAlchemyError:
        log.exception("health check: the database does not answer")
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/fonts/noto-sans-khmer.ttf")
def khmer_font() -> FileResponse:
    return FileResponse(khmer_font_path(), media_type="font/ttf")
