"""The moderators' web app (FastAPI, server-rendered templates)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from store.db import session_scope
from store.queue import list_items
from store.schema import QueueItem

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app() -> FastAPI:
    """Build the app; the database is the configured one (``CHHMAM_DATABASE_URL``)."""
    app = FastAPI(title="Chhmam review", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request) -> HTMLResponse:
        with session_scope() as session:
            rows = list_items(session, status="open", limit=100)
            total = session.scalar(select(func.count(QueueItem.id)).where(QueueItem.status == "open")) or 0
            return TEMPLATES.TemplateResponse(request, "queue.html", {"rows": rows, "total": total})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
