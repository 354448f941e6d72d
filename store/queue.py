"""Queue items: the flagged posts moderators work through.

The review stage owns the rules (priority, claiming, decisions); this module only reads and writes
rows, so that the database access stays in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from store.schema import Post, QueueItem
from store.upsert import insert_ignore

QUEUE = cast(Table, QueueItem.__table__)


def enqueue(session: Session, items: Sequence[dict[str, Any]]) -> int:
    """Add queue items (post_id, labels, max_probability, priority, model_version); a post is queued once."""
    n = 0
    for start in range(0, len(items), 500):
        n += len(insert_ignore(session, QUEUE, items[start:start + 500], ["post_id"], returning="id"))
    return n


def list_items(session: Session, status: str | None = "open", limit: int = 50,
               offset: int = 0) -> list[tuple[QueueItem, Post]]:
    """Queue items with their posts, highest priority first, oldest first among equals."""
    stmt = (select(QueueItem, Post).join(Post, Post.id == QueueItem.post_id)
            .order_by(QueueItem.priority.desc(), QueueItem.enqueued_at, QueueItem.id)
            .limit(limit).offset(offset))
    if status:
        stmt = stmt.where(QueueItem.status == status)
    return [(item, post) for item, post in session.execute(stmt).all()]
