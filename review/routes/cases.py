"""Case pages for leads: the list of networks, one case with its members, graph, decision and evidence.

Leads only. Analysts do not get these pages, even read-only: the case page names individual posts
(ids, links, sources, times) and offers their text behind a reveal, and the analyst role is
aggregates only (they see cases as counts on ``/stats`` and in the weekly export). Moderators work
post by post; a case decision covers many posts and is a lead's call.

Every view of a case, every reveal of a member's text, every case decision and every evidence
download is audited. Member text follows the item page's rule: none in the page until a reveal is
recorded (``review.access.revealed_posts``), and a reveal counts as exposure.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from review import access, cases, service
from review.evidence import indicators, segments
from review.web import DB, MAX_ID, Csrf, render, require_role
from store import audit
from store import networks as store_networks
from store.schema import Network, User

router = APIRouter()
Lead = Annotated[User, Depends(require_role("lead"))]
CaseId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
PostId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
ORDERS = ("risk", "recent", "size")
LIST_PAGE = 50


def _page(value: int) -> int:
    return min(max(value, 1), MAX_ID // cases.PAGE_SIZE)


@router.get("/cases", response_class=HTMLResponse)
def case_list(request: Request, user: Lead, session: DB, order: str = "risk", page: int = 1) -> Response:
    """Networks of two or more posts, highest risk (or most recent, or largest) first."""
    order = order if order in ORDERS else "risk"
    page = _page(page)
    rows = store_networks.list_networks(session, order=order, limit=LIST_PAGE + 1, offset=(page - 1) * LIST_PAGE)
    audit.record(session, user.id, "case_list", "network", None, {"order": order, "page": page})
    return render(
        request,
        "cases.html",
        {
            "_user": user,
            "rows": [cases.summary(n) for n in rows[:LIST_PAGE]],
            "order": order,
            "page": page,
            "more": len(rows) > LIST_PAGE,
        },
    )


def _case_or_404(session: Session, network_id: int) -> Network:
    try:
        return cases.get_case(session, network_id)
    except KeyError:
        raise HTTPException(status_code=404) from None


@router.get("/cases/{network_id}", response_class=HTMLResponse)
def case_page(request: Request, network_id: CaseId, user: Lead, session: DB, page: int = 1) -> Response:
    net = _case_or_404(session, network_id)
    pages = max(1, -(-int(net.size) // cases.PAGE_SIZE))
    page = min(_page(page), pages)
    audit.record(session, user.id, "case_view", "network", str(network_id), {"page": page, "size": net.size})
    members = cases.members_page(session, network_id, page)
    shown = access.revealed_posts(session, user, [m["post"].id for m in members])
    for m in members:
        m["revealed"] = m["post"].id in shown
        if m["revealed"]:
            m["segments"] = segments(m["post"].text, indicators(m["post"].text))
    ctx = {
        "_user": user,
        "case": cases.summary(net),
        "members": members,
        "page": page,
        "pages": pages,
        "shared": store_networks.shared_entities(session, network_id),
        "graph": cases.case_graph(session, network_id),
        "timeline": cases.timeline(session, network_id),
        "labels": service.LABELS,
        **access.wellbeing(session, user),
    }
    return render(request, "case.html", ctx)


@router.post("/cases/{network_id}/members/{post_id}/reveal", dependencies=[Csrf])
def reveal_member(
    network_id: CaseId, post_id: PostId, user: Lead, session: DB, page: Annotated[int, Form()] = 1
) -> Response:
    """Record the reveal of one member's text (audited against the post, counted as exposure)."""
    _case_or_404(session, network_id)
    if store_networks.network_of_post(session, post_id) != network_id:
        raise HTTPException(status_code=404)
    audit.record(session, user.id, "reveal", "post", str(post_id), {"case": network_id})
    return RedirectResponse(f"/cases/{network_id}?page={_page(page)}#m-{post_id}", status_code=303)


@router.post("/cases/{network_id}/decide", dependencies=[Csrf])
def decide_case(
    network_id: CaseId,
    user: Lead,
    session: DB,
    action: Annotated[str, Form()],
    labels: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form()] = "",
) -> Response:
    _case_or_404(session, network_id)
    cases.decide_case(session, user, network_id, action, labels or [], note.strip()[:2000] or None)
    return RedirectResponse(f"/cases/{network_id}", status_code=303)


@router.get("/cases/{network_id}/evidence.json")
def case_evidence(network_id: CaseId, user: Lead, session: DB) -> Response:
    """The case evidence package (hashes, times, sources, links; no text, no entity value), audited."""
    _case_or_404(session, network_id)
    ev = cases.case_evidence(session, network_id)
    audit.record(session, user.id, "case_evidence", "network", str(network_id), {"members": len(ev["members"])})
    return Response(
        json.dumps(ev, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{network_id}.json"'},
    )
