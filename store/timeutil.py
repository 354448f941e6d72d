"""One rule for datetimes without a zone: they are UTC.

SQLite hands back naive datetimes even for ``DateTime(timezone=True)`` columns, and some callers
build naive ones; everything that compares or formats a time first passes it through ``as_utc``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime: a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
