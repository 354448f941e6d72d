"""ISO weeks in Cambodian time.

Why local time: the ministry reads "week 47" as Monday 00:00 to Sunday 24:00 in Phnom Penh
(UTC+7); a post ingested at 20:00 UTC on a Sunday belongs to the *next* Cambodian week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Phnom_Penh")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO year and week number, e.g. ``IsoWeek(2026, 47)`` printed as ``2026-W47``."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Parse ``YYYY-Www``; raises ValueError for anything else or a week the year lacks."""
        m = _WEEK.match(text.strip())
        if not m:
            raise ValueError(f"not an ISO week (expected YYYY-Www, e.g. 2026-W47): {text!r}")
        wk = cls(int(m.group(1)), int(m.group(2)))
        wk.monday()  # validates
        return wk

    @classmethod
    def of(cls, moment: datetime) -> IsoWeek:
        """The Cambodian ISO week containing ``moment`` (naive values are taken as UTC)."""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        y, w, _ = aware.astimezone(TZ).isocalendar()
        return cls(y, w)

    def monday(self) -> date:
        """The Monday that starts this week."""
        return date.fromisocalendar(self.year, self.week, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: Monday 00:00 Asia/Phnom_Penh to the next Monday 00:00."""
        start = datetime.combine(self.monday(), datetime.min.time(), tzinfo=TZ)
        return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)

    def shift(self, weeks: int) -> IsoWeek:
        """The week ``weeks`` later (negative: earlier)."""
        y, w, _ = (self.monday() + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(y, w)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"
