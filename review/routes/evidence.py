"""Evidence packages of an item, as JSON and as a printable PDF.

A download carries the post's full text, so it is audited (``view_evidence``) and counts as
exposure like a reveal; only a reviewer who may read the item gets it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review import access
from review.evidence import build_evidence, evidence_pdf
from review.web import DB, ItemId, Reviewer
from store import audit
from store.schema import User

router = APIRouter()


def _audited_evidence(session: Session, user: User, item_id: int, fmt: str) -> dict[str, Any]:
    """The evidence package of an item the user may read; the download is audited."""
    _item, _post, others = access.readable(session, user, item_id)
    ev = build_evidence(session, item_id)
    audit.record(
        session,
        user.id,
        "view_evidence",
        "queue_item",
        str(item_id),
        {"format": fmt, **({"others_item": True} if others else {})},
    )
    return ev


@router.get("/items/{item_id}/evidence.json")
def evidence_json(item_id: ItemId, user: Reviewer, session: DB) -> Response:
    ev = _audited_evidence(session, user, item_id, "json")
    return Response(
        json.dumps(ev, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="evidence-{item_id}.json"'},
    )


@router.get("/items/{item_id}/evidence.pdf")
def evidence_pdf_view(item_id: ItemId, user: Reviewer, session: DB) -> Response:
    ev = _audited_evidence(session, user, item_id, "pdf")
    return Response(
        evidence_pdf(ev),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="evidence-{item_id}.pdf"'},
    )
