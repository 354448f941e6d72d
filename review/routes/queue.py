"""The queue, item pages, reveals and decisions: the moderators' and leads' daily work.

Every view of an item, every reveal and every decision is audited (the decisions by
``review.service``, in the same transaction). The item page carries no post text until a reveal is
recorded (``review.access``); after ``CHHMAM_BREAK_AFTER`` exposures in the window the page suggests a break.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from review import access, cases, service
from review.evidence import edits_of, indicators, segments
from review.explain import top_words
from review.web import DB, Auth, Csrf, ItemId, LoggedIn, Reviewer, render
from store import audit, clusters, decisions, queue, sessions
from store.schema import Post, QueueItem, utcnow
from store.timeutil import as_utc

QUEUE_STATUSES = ("open", "escalated", "claimed", "referral_pending")

router = APIRouter()


def _age(item: QueueItem) -> str:
    mins = int((utcnow() - as_utc(item.enqueued_at)).total_seconds() // 60)
    return f"{mins // 1440}d {mins % 1440 // 60}h" if mins >= 1440 else f"{mins // 60}h {mins % 60}m"


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
        samples = clusters.sample_texts(session, post.cluster_id, except_post=post.id, limit=3)
    return {
        "segments": segments(post.text, found_ind),
        "drivers": drivers,
        "drivers_model": drivers_model,
        "samples": samples,
        "revealed": True,
        **_edits_ctx(session, post, revealed=True),
    }


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request, user: Auth, session: DB, label: str = "", lang: str = "", source: str = "", status: str = "open"
) -> Response:
    """Reviewers see the queue; analysts and admins are sent to their own start pages."""
    if user.role == "analyst":
        return RedirectResponse("/stats", status_code=303)
    if user.role == "admin":
        return RedirectResponse("/admin/users", status_code=303)
    if status not in QUEUE_STATUSES:
        status = "open"
    filters = {"label": label[:40], "lang": lang[:10], "source": source[:100]}
    rows = queue.list_items(session, status=status, limit=100, filters=filters)
    counts = queue.count_by_status(session)
    now = utcnow()
    view = [
        {"item": it, "post": p, "age": _age(it), "eff": queue.effective_priority(it.priority, it.enqueued_at, now)}
        for it, p in rows
    ]
    return render(
        request,
        "queue.html",
        {
            "_user": user,
            "rows": view,
            "total": counts.get(status, 0),
            "counts": counts,
            "filters": filters,
            "status": status,
        },
    )


@router.post("/claim", dependencies=[Csrf])
def claim(user: Reviewer, session: DB) -> Response:
    got = service.claim_next(session, user)
    return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)


@router.post("/items/{item_id}/claim", dependencies=[Csrf])
def claim_one(item_id: ItemId, user: Reviewer, session: DB) -> Response:
    if not service.claim_item(session, user, item_id):
        raise HTTPException(status_code=409, detail="someone else has this item")
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: ItemId, cur: LoggedIn, user: Reviewer, session: DB) -> Response:
    item, post, others = access.readable(session, user, item_id)
    audit.record(
        session,
        user.id,
        "view",
        "queue_item",
        str(item_id),
        {"status": item.status, **({"others_item": True} if others else {})},
    )
    scores = decisions.scores_for(session, post.id, item.model_version)
    cluster_size = 1
    if post.cluster_id is not None:
        cluster_size = clusters.posts_in_cluster(session, post.cluster_id) or 1
    last = decisions.latest_active(session, item_id)
    prev_id, next_id = queue.neighbours(session, item)
    undo_prev = None
    last_id = cur.row.last_decided
    if isinstance(last_id, int) and last_id != item_id:
        prev_decision = decisions.latest_active(session, last_id)
        if (
            prev_decision is not None
            and prev_decision.user_id == user.id
            and utcnow() - as_utc(prev_decision.created_at) <= service.UNDO_WINDOW
        ):
            undo_prev = last_id
    lease_ok = item.lease_expires_at is not None and as_utc(item.lease_expires_at) >= utcnow()
    ctx: dict[str, Any] = {
        "_user": user,
        "item": item,
        "post": post,
        "indicators": indicators(post.text),
        "scores": scores,
        "cluster_size": cluster_size,
        "history": decisions.for_item(session, item_id),
        "mine": item.status == "claimed" and item.claimed_by == user.id and lease_ok,
        "can_undo": last is not None and last.user_id == user.id,
        "can_approve": item.status == "referral_pending" and last is not None and last.user_id != user.id,
        **access.wellbeing(session, user),
        "labels": service.LABELS,
        "prev_id": prev_id,
        "next_id": next_id,
        "undo_prev": undo_prev,
        "revealed": False,
        "author": cases.author_panel(session, post.id),
        "network": cases.network_panel(session, post.id),
        **_edits_ctx(session, post, revealed=False),
    }
    if access.revealed(session, user, item_id):
        ctx.update(_text_ctx(session, item, post))
    return render(request, "item.html", ctx)


@router.post("/items/{item_id}/reveal", dependencies=[Csrf])
def reveal(request: Request, item_id: ItemId, user: Reviewer, session: DB) -> Response:
    item, post, others = access.readable(session, user, item_id)
    audit.record(session, user.id, "reveal", "queue_item", str(item_id), {"others_item": True} if others else {})
    session.flush()
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/items/{item_id}", status_code=303)
    return render(
        request,
        "_reveal.html",
        {
            "item": item,
            "post": post,
            **access.wellbeing(session, user),
            **_text_ctx(session, item, post),
        },
    )


@router.post("/items/{item_id}/decide", dependencies=[Csrf])
def decide(
    item_id: ItemId,
    cur: LoggedIn,
    user: Reviewer,
    session: DB,
    action: Annotated[str, Form()],
    labels: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form()] = "",
    next_item: Annotated[str, Form(alias="next")] = "",
) -> Response:
    service.decide(session, user, item_id, action, labels or [], note.strip()[:2000] or None)
    sessions.update_fields(session, cur.row.id, last_decided=item_id)  # the next page offers to undo it
    if next_item:
        try:
            got = service.claim_next(session, user)
        except service.ReviewError:  # the decision stands; with no next item the reviewer is back at the queue
            got = None
        return RedirectResponse(f"/items/{got}" if got else "/", status_code=303)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.post("/items/{item_id}/undo", dependencies=[Csrf])
def undo(item_id: ItemId, user: Reviewer, session: DB) -> Response:
    service.undo(session, user, item_id)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.post("/items/{item_id}/approve", dependencies=[Csrf])
def approve(item_id: ItemId, user: Reviewer, session: DB, note: Annotated[str, Form()] = "") -> Response:
    service.approve_referral(session, user, item_id, note.strip()[:2000] or None)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.get("/referrals", response_class=HTMLResponse)
def referrals(request: Request, user: Reviewer, session: DB) -> Response:
    rows = queue.list_items(session, status="referral_pending", limit=100)
    view = [
        {"item": it, "post": p, "age": _age(it), "eff": queue.effective_priority(it.priority, it.enqueued_at)}
        for it, p in rows
    ]
    return render(request, "referrals.html", {"_user": user, "rows": view})
