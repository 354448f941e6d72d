"""Queue items: the flagged posts moderators work through, and the claim/decide primitives.

The review stage owns the rules (severity, lease length, who may decide what); this module owns
the database access, so that the one tricky part — never handing an item to two moderators —
lives in one place:

* PostgreSQL: ``SELECT … ORDER BY rank DESC LIMIT 1 FOR UPDATE SKIP LOCKED`` then ``UPDATE``: a
  concurrent claimer skips the row another transaction holds instead of waiting for it.
* SQLite: one conditional ``UPDATE … WHERE id = (SELECT … LIMIT 1) AND status = 'open'
  RETURNING id``. An UPDATE takes SQLite's single write lock before it reads, so two claimers
  are serialised and the second sees the row already claimed.

Claim order is the stored ``rank`` (``store.ranking``): priority plus time waited, so the order is
one descending index scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, String, Table, func, select, text, update
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from store import ranking
from store.ranking import rank_for as rank_for  # callers that enqueue rows themselves (bench) use it here
from store.schema import Post, QueueItem, utcnow
from store.upsert import insert_ignore

QUEUE = cast(Table, QueueItem.__table__)
OPEN = "open"
CLAIMED = "claimed"


def effective_priority(priority: float, enqueued_at: datetime, now: datetime | None = None) -> float:
    """Priority plus waiting time, as the queue page shows it."""
    return ranking.effective_priority(priority, enqueued_at, now or utcnow())


def enqueue(session: Session, items: Sequence[dict[str, Any]]) -> int:
    """Add queue items (post_id, labels, max_probability, priority, model_version); a post is queued once."""
    now = utcnow()
    rows = []
    for it in items:
        row = dict(it)
        row.setdefault("enqueued_at", now)
        row.setdefault("status", OPEN)
        row["rank"] = rank_for(float(row["priority"]), row["enqueued_at"])
        rows.append(row)
    n = 0
    for start in range(0, len(rows), 500):
        n += len(insert_ignore(session, QUEUE, rows[start : start + 500], ["post_id"], returning="id"))
    return n


_SAFE_FILTERS = ("label", "lang", "source")


def list_items(
    session: Session, status: str | None = OPEN, limit: int = 50, offset: int = 0, filters: dict[str, str] | None = None
) -> list[tuple[QueueItem, Post]]:
    """Queue items with their posts in claim order (priority plus waiting time).

    ``filters`` (label, lang, source) are bound parameters, never spliced into SQL.
    """
    stmt = (
        select(QueueItem, Post)
        .join(Post, Post.id == QueueItem.post_id)
        .order_by(QueueItem.rank.desc(), QueueItem.id)
        .limit(limit)
        .offset(offset)
    )
    if status:
        stmt = stmt.where(QueueItem.status == status)
    for key, value in (filters or {}).items():
        if not value or key not in _SAFE_FILTERS:
            continue
        if key == "label":
            stmt = stmt.where(cast_(QueueItem.labels, String).contains(f'"{value}"', autoescape=True))
        elif key == "lang":
            stmt = stmt.where(Post.lang == value)
        else:
            stmt = stmt.where(Post.source == value)
    return [(item, post) for item, post in session.execute(stmt).all()]


def count_by_status(session: Session) -> dict[str, int]:
    """How many items are in each status (aggregates for analysts and the queue header)."""
    return {
        str(s): int(n)
        for s, n in session.execute(select(QueueItem.status, func.count(QueueItem.id)).group_by(QueueItem.status))
    }


def count_by_language(session: Session) -> dict[str, int]:
    """How many queue items (any status) there are per post language; "?" for posts with none."""
    return {
        str(lg or "?"): int(n)
        for lg, n in session.execute(
            select(Post.lang, func.count(QueueItem.id)).join(Post, Post.id == QueueItem.post_id).group_by(Post.lang)
        )
    }


def release_expired(session: Session, now: datetime | None = None) -> int:
    """Return claimed items whose lease ran out to the open queue; returns how many.

    On PostgreSQL the expired rows are picked with ``SKIP LOCKED`` so that concurrent claimers never
    queue up behind each other on the same expired rows (one of them releases them).
    """
    cond: ColumnElement[bool] = (QueueItem.status == CLAIMED) & (QueueItem.lease_expires_at < (now or utcnow()))
    if session.get_bind().dialect.name == "postgresql":
        cond = QueueItem.id.in_(select(QueueItem.id).where(cond).with_for_update(skip_locked=True).scalar_subquery())
    result = session.execute(
        update(QueueItem)
        .where(cond)
        .values(status=OPEN, claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def claim_next(
    session: Session, user_id: int, lease: timedelta, status: str = OPEN, now: datetime | None = None
) -> int | None:
    """Atomically claim the highest-ranked item in ``status`` for ``user_id``; None if none is left.

    Expired leases are released first, in the same transaction, so an abandoned item comes back.
    """
    now = now or utcnow()
    release_expired(session, now)
    values = {"status": CLAIMED, "claimed_by": user_id, "lease_expires_at": now + lease}
    if session.get_bind().dialect.name == "postgresql":
        picked = session.execute(
            select(QueueItem.id)
            .where(QueueItem.status == status)
            .order_by(QueueItem.rank.desc(), QueueItem.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar()
        if picked is None:
            return None
        session.execute(
            update(QueueItem)
            .where(QueueItem.id == picked)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(picked)
    sub = (
        select(QueueItem.id)
        .where(QueueItem.status == status)
        .order_by(QueueItem.rank.desc(), QueueItem.id)
        .limit(1)
        .scalar_subquery()
    )
    got = session.execute(
        update(QueueItem)
        .where(QueueItem.id == sub, QueueItem.status == status)
        .values(**values)
        .returning(QueueItem.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    return None if got is None else int(got)


def claim_item(
    session: Session, item_id: int, user_id: int, lease: timedelta, statuses: Sequence[str], now: datetime | None = None
) -> bool:
    """Claim one given item if it is in ``statuses`` (or already held by ``user_id``); True if held now."""
    now = now or utcnow()
    release_expired(session, now)
    result = session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item_id,
            (QueueItem.status.in_(list(statuses)))
            | ((QueueItem.status == CLAIMED) & (QueueItem.claimed_by == user_id)),
        )
        .values(status=CLAIMED, claimed_by=user_id, lease_expires_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def finish_claim(session: Session, item_id: int, user_id: int, new_status: str, now: datetime | None = None) -> bool:
    """Move an item ``user_id`` holds (lease still valid) to ``new_status``; False if the claim was lost."""
    now = now or utcnow()
    result = session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item_id,
            QueueItem.status == CLAIMED,
            QueueItem.claimed_by == user_id,
            QueueItem.lease_expires_at >= now,
        )
        .values(status=new_status, lease_expires_at=None, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def set_status(
    session: Session, item_ids: Sequence[int], new_status: str, only_from: Sequence[str], now: datetime | None = None
) -> list[int]:
    """Move the items among ``item_ids`` whose status is in ``only_from``; returns those moved."""
    if not item_ids:
        return []
    ids = [
        int(i)
        for i in session.execute(
            update(QueueItem)
            .where(QueueItem.id.in_(list(item_ids)), QueueItem.status.in_(list(only_from)))
            .values(status=new_status, claimed_by=None, lease_expires_at=None, decided_at=now or utcnow())
            .returning(QueueItem.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    ]
    return ids


def reopen_for(
    session: Session, item_ids: Sequence[int], user_id: int, lease: timedelta, only_from: Sequence[str]
) -> list[int]:
    """Give items back to ``user_id`` as claimed (undo of a decision); returns those given back.

    Conditional: only items still in ``only_from`` (the status the undone decision left them in),
    so an undo never takes an item from someone who claimed it since (a lead after an escalation).
    """
    return [
        int(i)
        for i in session.execute(
            update(QueueItem)
            .where(QueueItem.id.in_(list(item_ids)), QueueItem.status.in_(list(only_from)))
            .values(status=CLAIMED, claimed_by=user_id, lease_expires_at=utcnow() + lease, decided_at=None)
            .returning(QueueItem.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    ]


def held_by(session: Session, user_id: int, now: datetime | None = None) -> int:
    """How many items ``user_id`` holds claimed with a lease still running (the per-user claim cap)."""
    return int(
        session.scalar(
            select(func.count(QueueItem.id)).where(
                QueueItem.status == CLAIMED,
                QueueItem.claimed_by == user_id,
                QueueItem.lease_expires_at >= (now or utcnow()),
            )
        )
        or 0
    )


def cluster_siblings(session: Session, item_id: int, statuses: Sequence[str]) -> list[int]:
    """Other queue items whose posts share this item's near-duplicate cluster, in ``statuses``."""
    cluster = session.execute(
        select(Post.cluster_id).join(QueueItem, QueueItem.post_id == Post.id).where(QueueItem.id == item_id)
    ).scalar()
    if cluster is None:
        return []
    return [
        int(i)
        for i in session.execute(
            select(QueueItem.id)
            .join(Post, Post.id == QueueItem.post_id)
            .where(Post.cluster_id == cluster, QueueItem.id != item_id, QueueItem.status.in_(list(statuses)))
        ).scalars()
    ]


def items_of_posts(session: Session, post_ids: Sequence[int]) -> dict[int, QueueItem]:
    """post_id → its queue item, for the posts that were queued (a post is queued at most once)."""
    out: dict[int, QueueItem] = {}
    ids = list(post_ids)
    for start in range(0, len(ids), 500):
        for item in session.scalars(select(QueueItem).where(QueueItem.post_id.in_(ids[start : start + 500]))):
            out[int(item.post_id)] = item
    return out


def raise_priority(
    session: Session, targets: dict[int, float], statuses: Sequence[str] = (OPEN, "escalated")
) -> list[int]:
    """Lift the priority of the given items (item id → priority) where it is lower; returns the items raised.

    Only items still waiting (``statuses``) move; the stored claim order is recomputed from the new
    priority and the item's own enqueue time, so the waiting time it had is kept.
    """
    raised: list[int] = []
    if not targets:
        return raised
    rows = session.execute(
        select(QueueItem.id, QueueItem.priority, QueueItem.enqueued_at).where(
            QueueItem.id.in_(list(targets)), QueueItem.status.in_(list(statuses))
        )
    )
    for item_id, current, enqueued in list(rows):
        new = round(float(targets[int(item_id)]), 6)
        if new > float(current):
            session.execute(
                update(QueueItem)
                .where(QueueItem.id == item_id)
                .values(priority=new, rank=rank_for(new, enqueued))
                .execution_options(synchronize_session=False)
            )
            raised.append(int(item_id))
    return raised


def get_item(session: Session, item_id: int) -> tuple[QueueItem, Post] | None:
    """One queue item with its post."""
    row = session.execute(
        select(QueueItem, Post).join(Post, Post.id == QueueItem.post_id).where(QueueItem.id == item_id)
    ).first()
    return None if row is None else (row[0], row[1])


def ping(session: Session) -> None:
    """A trivial round trip (health checks)."""
    session.execute(text("SELECT 1"))


def neighbours(session: Session, item: QueueItem) -> tuple[int | None, int | None]:
    """The items just before and after ``item`` in claim order within its status (for j/k)."""
    rank = item.rank if item.rank is not None else item.priority
    prev_id = session.execute(
        select(QueueItem.id)
        .where(QueueItem.status == item.status, QueueItem.rank > rank)
        .order_by(QueueItem.rank)
        .limit(1)
    ).scalar()
    next_id = session.execute(
        select(QueueItem.id)
        .where(QueueItem.status == item.status, QueueItem.rank < rank)
        .order_by(QueueItem.rank.desc())
        .limit(1)
    ).scalar()
    return (None if prev_id is None else int(prev_id)), (None if next_id is None else int(next_id))
