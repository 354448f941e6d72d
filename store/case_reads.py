"""Reads for the case page that ``store.networks`` does not offer: when each member was seen.

Kept apart from ``store.networks`` (linking's own module) so that the page's needs do not grow the
module the linking run depends on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.schema import NetworkMember, Post
from store.timeutil import as_utc


def member_times(session: Session, network_id: int) -> list[datetime]:
    """When each member of the network was seen (``created_at``, else ``ingested_at``), oldest first, UTC."""
    seen = func.coalesce(Post.created_at, Post.ingested_at)
    stmt = (
        select(seen)
        .join(NetworkMember, NetworkMember.post_id == Post.id)
        .where(NetworkMember.network_id == network_id, seen.is_not(None))
        .order_by(seen)
    )
    return [as_utc(t) for t in session.scalars(stmt)]
