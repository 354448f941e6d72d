"""Aggregate statistics: counts only, never post text, so every role (analysts included) may read them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from review.web import DB, render, require_role
from store import decisions, networks, queue
from store.schema import User

router = APIRouter()
AnyRole = Annotated[User, Depends(require_role("analyst", "lead", "admin", "moderator"))]


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, user: AnyRole, session: DB) -> Response:
    return render(
        request,
        "stats.html",
        {
            "_user": user,
            "counts": queue.count_by_status(session),
            "by_action": decisions.count_by_action(session),
            "by_lang": queue.count_by_language(session),
            "cases": networks.counts(session),
        },
    )
