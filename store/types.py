"""Column types shared by the schema.

``UTCDateTime`` exists because SQLite has no time zones: it hands back naive datetimes even for a
``DateTime(timezone=True)`` column, while PostgreSQL hands back aware ones in the session's zone.
Every timestamp column uses it, so code reading a row always gets an aware UTC datetime on either
database, and a value written is UTC (naive ones taken as UTC) so SQLite's zone-less text stays
comparable. The database type is still ``DateTime(timezone=True)``: no migration follows from it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from store.timeutil import as_utc


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that reads and writes aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """UTC on the way in (naive values are taken as UTC already)."""
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """UTC on the way out, whatever zone (or none) the driver returned."""
        return None if value is None else as_utc(value)
