"""ISO weeks in Cambodian time.

Why local time: the ministry reads "week 47" as Monday 00:00 to Sunday 24:00 in Phnom Penh
(UTC+7); a post ingested at 20:00 UTC on a Sunday belongs to the *next* Cambodian week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from store.timeutil import as_utc

TZ = ZoneInfo("Asia/Phnom_Penh")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_KM = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")
_KM_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


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
        y, w, _ = as_utc(moment).astimezone(TZ).isocalendar()
        return cls(y, w)

    def monday(self) -> date:
        """The Monday that starts this week."""
        return date.fromisocalendar(self.year, self.week, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: Monday 00:00 Asia/Phnom_Penh to the next Monday 00:00."""
        start = datetime.combine(self.monday(), datetime.min.time(), tzinfo=TZ)
        return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)

    def as_of(self) -> datetime:
        """The moment the week ends (UTC): the fixed timestamp of its export files, so reruns match."""
        return self.bounds()[1]

    def local_range(self) -> tuple[str, str]:
        """Monday to Sunday as a reader in Phnom Penh says it: (English, Khmer).

        E.g. ``("16–22 Nov 2026, Phnom Penh time", "១៦–២២ វិច្ឆិកា ២០២៦ ម៉ោងភ្នំពេញ")``; a week across two
        months or years names both ends in full.
        """
        first, last = self.monday(), self.monday() + timedelta(days=6)
        en_first = (
            f"{first.day}"
            if (first.month, first.year) == (last.month, last.year)
            else (f"{first.day} {_MONTHS_EN[first.month - 1]}" + ("" if first.year == last.year else f" {first.year}"))
        )
        km_first = (
            f"{first.day}"
            if (first.month, first.year) == (last.month, last.year)
            else (f"{first.day} {_MONTHS_KM[first.month - 1]}" + ("" if first.year == last.year else f" {first.year}"))
        )
        en = f"{en_first}–{last.day} {_MONTHS_EN[last.month - 1]} {last.year}, Phnom Penh time"
        km = f"{km_first}–{last.day} {_MONTHS_KM[last.month - 1]} {last.year} ម៉ោងភ្នំពេញ".translate(_KM_DIGITS)
        return en, km

    def shift(self, weeks: int) -> IsoWeek:
        """The week ``weeks`` later (negative: earlier)."""
        y, w, _ = (self.monday() + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(y, w)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"
