"""Review rules: who may claim what, what each decision does, undo, referral approval.

The web app and the CLI call these; each function runs inside the caller's transaction and writes
the audit log itself, so that no decision can be recorded without its audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from models.params import labels
from store import audit, decisions, queue
from store.schema import User, utcnow
from store.settings import get_settings
from store.timeutil import as_utc

LEASE = timedelta(minutes=10)
UNDO_WINDOW = timedelta(minutes=5)
ACTIONS = ("confirm", "dismiss", "escalate", "refer")
LABELS = labels()  # decisions become training labels, so they use the training label set
REVIEWERS = ("moderator", "lead")
# status an item moves to after each action; referrals wait for a second reviewer
NEXT_STATUS = {"confirm": "decided", "dismiss": "decided", "escalate": "escalated", "refer": "referral_pending"}
DECISION_ACTION = {"confirm": "confirm", "dismiss": "dismiss", "escalate": "escalate", "refer": "refer_request"}


# the status a decision leaves its item in, which an undo expects to find (else someone took it since)
STATUS_AFTER = {
    "confirm": "decided",
    "dismiss": "decided",
    "escalate": "escalated",
    "refer_request": "referral_pending",
}


class ReviewError(Exception):
    """A decision that cannot be made (claim lost, wrong role, window passed); shown to the user."""


def _check_cap(session: Session, user: User) -> None:
    """Refuse a new claim when ``user`` already holds the configured number of items."""
    cap = get_settings().claim_cap
    if queue.held_by(session, user.id) >= cap:
        raise ReviewError(f"you already hold {cap} items: decide some first")


def claim_next(session: Session, user: User) -> int | None:
    """Claim the next item for ``user``: leads take escalated items first, then everyone the open queue."""
    if user.role not in REVIEWERS:
        raise ReviewError("only moderators and leads review items")
    _check_cap(session, user)
    got = queue.claim_next(session, user.id, LEASE, status="escalated") if user.role == "lead" else None
    if got is None:
        got = queue.claim_next(session, user.id, LEASE)
    if got is not None:
        audit.record(session, user.id, "claim", "queue_item", str(got), {})
    return got


def claim_item(session: Session, user: User, item_id: int) -> bool:
    """Claim one chosen item (from the queue list); leads may also take escalated ones."""
    if user.role not in REVIEWERS:
        raise ReviewError("only moderators and leads review items")
    found = queue.get_item(session, item_id)
    held = found is not None and found[0].status == queue.CLAIMED and found[0].claimed_by == user.id
    if not held:
        _check_cap(session, user)
    statuses = ["open", "escalated"] if user.role == "lead" else ["open"]
    ok = queue.claim_item(session, item_id, user.id, LEASE, statuses)
    if ok:
        audit.record(session, user.id, "claim", "queue_item", str(item_id), {})
    return ok


def decide(
    session: Session, user: User, item_id: int, action: str, labels: Sequence[str] = (), note: str | None = None
) -> list[int]:
    """Record ``action`` on a claimed item (and its open near-duplicates); returns the items decided."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r}")
    if user.role not in REVIEWERS:
        raise ReviewError("only moderators and leads decide")
    bad = [lb for lb in labels if lb not in LABELS]
    if bad:
        raise ReviewError(f"unknown labels {bad}")
    found = queue.get_item(session, item_id)
    if found is None:
        raise ReviewError("no such item")
    item, _post = found
    if action == "confirm" and not labels:
        labels = list(item.labels)
    if action == "dismiss":
        labels = []
    now = utcnow()
    if not queue.finish_claim(session, item_id, user.id, NEXT_STATUS[action], now):
        raise ReviewError("this item is not claimed by you (the lease may have expired)")
    ids = [item_id]
    if action != "refer":  # a referral is one post's evidence; the rest of its cluster stays reviewable
        ids += queue.set_status(
            session,
            queue.cluster_siblings(session, item_id, ["open"]),
            NEXT_STATUS[action],
            only_from=["open"],
            now=now,
        )
    decisions.add_decisions(session, ids, user.id, DECISION_ACTION[action], labels, note, at=now)
    detail: dict[str, object] = {"action": action, "labels": list(labels), "items": ids}
    if action == "refer":
        from review.evidence import build_evidence

        detail["evidence"] = build_evidence(session, item_id, note)
    for i in ids:
        audit.record(session, user.id, f"decide_{DECISION_ACTION[action]}", "queue_item", str(i), detail)
    return ids


def approve_referral(session: Session, user: User, item_id: int, note: str | None = None) -> None:
    """Second reviewer's approval: the referral becomes final (decision ``refer``)."""
    if user.role not in REVIEWERS:
        raise ReviewError("only moderators and leads approve referrals")
    request = decisions.latest_active(session, item_id)
    if request is None or request.action != "refer_request":
        raise ReviewError("no referral is waiting for approval on this item")
    if request.user_id == user.id:
        raise ReviewError("a referral needs a second reviewer: you proposed it")
    if not queue.set_status(session, [item_id], "referred", only_from=["referral_pending"]):
        raise ReviewError("the referral is no longer pending")
    decisions.add_decisions(session, [item_id], user.id, "refer", request.labels, note)
    audit.record(
        session,
        user.id,
        "decide_refer",
        "queue_item",
        str(item_id),
        {"approves_decision": request.id, "requested_by": request.user_id},
    )


def undo(session: Session, user: User, item_id: int) -> list[int]:
    """Undo ``user``'s latest decision on the item within the window; the item returns to them."""
    last = decisions.latest_active(session, item_id)
    if last is None or last.user_id != user.id:
        raise ReviewError("you have no decision to undo on this item")
    made = as_utc(last.created_at)
    if utcnow() - made > UNDO_WINDOW:
        raise ReviewError("the undo window has passed")
    group = decisions.group_of(session, last)
    ids = [d.queue_item_id for d in group]
    others = [i for i in ids if i != item_id]
    if last.action == "refer":
        if not queue.set_status(session, [item_id], "referral_pending", only_from=["referred"]):
            raise ReviewError("the referral has changed since; it cannot be undone")
    elif not queue.reopen_for(session, [item_id], user.id, LEASE, [STATUS_AFTER.get(last.action, "decided")]):
        raise ReviewError("someone else has taken this item since; it cannot be undone")
    else:
        # a case referral (review.cases) leaves its other members awaiting approval: they reopen too
        left_in = STATUS_AFTER.get(last.action, "decided")
        queue.set_status(session, others, "open", only_from=["decided", "escalated", left_in])
    decisions.mark_undone(session, [d.id for d in group])
    # a member escalated before the group decision goes back to the leads' queue, not the open one
    escalated = [i for i in others if (d := decisions.latest_active(session, i)) is not None and d.action == "escalate"]
    queue.set_status(session, escalated, "escalated", only_from=["open"])
    for i in ids:
        audit.record(session, user.id, "undo", "queue_item", str(i), {"decision": last.action})
    return ids
