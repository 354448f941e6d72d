"""Decisions on queue items: written once, "undone" only by stamping ``undone_at`` (never deleted).

A decision on a near-duplicate cluster writes one row per queue item with the same ``created_at``
and user, so undo, exports and the weekly reports see every post that the decision covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.schema import Decision, Post, QueueItem, Score, utcnow


def add_decisions(
    session: Session,
    item_ids: Sequence[int],
    user_id: int,
    action: str,
    labels: Sequence[str],
    note: str | None,
    at: datetime | None = None,
) -> datetime:
    """One decision row per item (the item and its cluster siblings); returns their shared time."""
    at = at or utcnow()
    posts = dict(
        list(session.execute(select(QueueItem.id, QueueItem.post_id).where(QueueItem.id.in_(list(item_ids)))).tuples())
    )
    for item_id in item_ids:
        session.add(
            Decision(
                queue_item_id=item_id,
                post_id=posts[item_id],
                user_id=user_id,
                action=action,
                labels=list(labels),
                note=note,
                created_at=at,
            )
        )
    session.flush()
    return at


def latest_active(session: Session, item_id: int) -> Decision | None:
    """The newest decision on an item that has not been undone."""
    return session.execute(
        select(Decision)
        .where(Decision.queue_item_id == item_id, Decision.undone_at.is_(None))
        .order_by(Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def group_of(session: Session, decision: Decision) -> list[Decision]:
    """Every still-active decision made together with ``decision`` (same user, action and time)."""
    return list(
        session.execute(
            select(Decision).where(
                Decision.user_id == decision.user_id,
                Decision.action == decision.action,
                Decision.created_at == decision.created_at,
                Decision.undone_at.is_(None),
            )
        ).scalars()
    )


def mark_undone(session: Session, decision_ids: Sequence[int], at: datetime | None = None) -> None:
    """Stamp decisions as undone (they stay in the table and the audit log)."""
    session.execute(
        update(Decision)
        .where(Decision.id.in_(list(decision_ids)))
        .values(undone_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )


def for_item(session: Session, item_id: int) -> list[Decision]:
    """An item's decisions, oldest first (the item page's history)."""
    return list(
        session.execute(select(Decision).where(Decision.queue_item_id == item_id).order_by(Decision.id)).scalars()
    )


def latest_by_post(session: Session, post_ids: Sequence[int]) -> dict[int, str]:
    """post_id → action of the newest decision not undone, for the posts that have one (case pages)."""
    out: dict[int, str] = {}
    ids = list(post_ids)
    for start in range(0, len(ids), 500):
        stmt = (
            select(Decision.post_id, Decision.action)
            .where(Decision.post_id.in_(ids[start : start + 500]), Decision.undone_at.is_(None))
            .order_by(Decision.id)
        )
        out.update({int(p): str(a) for p, a in session.execute(stmt)})
    return out


def scores_for(session: Session, post_id: int, model_version: str) -> list[Score]:
    """The scores the queued model version gave this post."""
    return list(
        session.execute(
            select(Score).where(Score.post_id == post_id, Score.model_version == model_version).order_by(Score.label)
        ).scalars()
    )


def count_by_action(session: Session) -> dict[str, int]:
    """How many standing (not undone) decisions of each action there are (the statistics page)."""
    return {
        str(a): int(n)
        for a, n in session.execute(
            select(Decision.action, func.count(Decision.id))
            .where(Decision.undone_at.is_(None))
            .group_by(Decision.action)
        )
    }


def exportable(session: Session, after_id: int = 0) -> list[dict[str, Any]]:
    """Final confirm/dismiss decisions with their posts' text, for ``data/labels/*.jsonl``."""
    stmt = (
        select(Decision.id, Decision.action, Decision.labels, Decision.created_at, Post.text, Post.lang)
        .join(Post, Post.id == Decision.post_id)
        .where(Decision.id > after_id, Decision.undone_at.is_(None), Decision.action.in_(("confirm", "dismiss")))
        .order_by(Decision.id)
    )
    return [
        {
            "id": int(r.id),
            "text": r.text,
            "labels": list(r.labels) if r.action == "confirm" else [],
            "lang": r.lang or "",
            "decision": r.action,
            "decided_at": r.created_at.isoformat(),
        }
        for r in session.execute(stmt)
    ]
