"""Claim order of queue items: priority plus time waited, as one stored number.

``rank`` = priority − ageing × hours since a fixed date, i.e. "priority plus time waited" shifted by
a constant common to every row, so "highest priority, older first" is one descending index scan.
The schema computes it as the column default and ``store.queue`` when it enqueues in bulk; it lives
apart from both so that the table definitions import no repository code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from store.timeutil import as_utc

AGEING_PER_HOUR = 0.01  # an item that waited 10 hours gains 0.1 priority over a fresh one
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def rank_for(priority: float, enqueued_at: datetime) -> float:
    """The stored claim order of an item with ``priority`` enqueued at ``enqueued_at``."""
    hours = (as_utc(enqueued_at) - _EPOCH).total_seconds() / 3600.0
    return round(priority - AGEING_PER_HOUR * hours, 6)


def effective_priority(priority: float, enqueued_at: datetime, now: datetime) -> float:
    """Priority plus waiting time at ``now``, as the queue page shows it."""
    waited = (now - as_utc(enqueued_at)).total_seconds() / 3600.0
    return priority + AGEING_PER_HOUR * max(waited, 0.0)
