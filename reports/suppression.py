"""Small-cell suppression for published counts.

Why: a count of 1 to 4 children in one province and one language can point to a person. Such
cells are published as ``"<5"`` (primary suppression). A published total would still give a lone
suppressed cell away (total minus the other cells), so further cells are hidden as ``"x"``
(secondary, or complementary, suppression) until every suppressed count of 1–4 keeps at least two
possible values given *everything* published for that measure.

Threat model (the reader knows the rule): ``"<5"`` is in 1..4; ``"x"`` is at least 5 (zeros and
small cells are never chosen as complements); ``"-"`` is any value (last resort, see below); a
total is exact, ``"<5"`` (1..4) or ``"x"`` (withheld, so at least 5).

One measure (say "confirmed: grooming") appears in several breakdowns — by language, platform,
source, province — and every breakdown's cells add up to the same total. So the unknowns are the
hidden cells of every breakdown plus the total ``T``, tied only through ``T``. Each breakdown limits
``T`` to an interval (its published sum plus the bounds of its hidden cells); the intersection ``I``
of those intervals is exactly what a reader can know about ``T``, and a hidden cell ``c`` of a
breakdown can then take every integer in
``[max(lo_c, min(I) - published - hi_others), min(hi_c, max(I) - published - lo_others)]``
(sums of integer intervals are contiguous, so this is exact, not a bound).

Complements are chosen greedily (the smallest helpful cell of at least 5 in the unsafe breakdown);
when a breakdown has none left, the exact total is withheld (``"x"``) everywhere; if that is still
not enough, complements are taken from other breakdowns; and if nothing is left, the whole measure
is withheld for the week (``"-"`` everywhere). The property test in
``tests/test_reports_suppression.py`` checks the result against a brute-force reader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PRIMARY = "<5"
SECONDARY = "x"
WITHHELD = "-"
SMALL_MAX = 4
COMPLEMENT_MIN = SMALL_MAX + 1
INF = math.inf

Marks = list[str | None]


def is_small(n: int) -> bool:
    """True for counts that must not be published (1..4); zero is publishable."""
    return 1 <= n <= SMALL_MAX


def publish_count(n: int) -> str:
    """A standalone count (no total to protect): ``"<5"`` for 1..4, else the number."""
    return PRIMARY if is_small(n) else str(n)


def bounds(mark: str | None, value: int) -> tuple[float, float]:
    """What a reader knows about a cell printed with ``mark`` (None: published, exact)."""
    if mark is None:
        return value, value
    if mark == PRIMARY:
        return 1, SMALL_MAX
    if mark == SECONDARY:
        return COMPLEMENT_MIN, INF
    return 0, INF


def total_bounds(total_mark: str | None, total: int) -> tuple[float, float]:
    """What a reader knows about the total printed with ``total_mark``."""
    return bounds(total_mark, total)


def _table_range(values: Sequence[int], marks: Sequence[str | None]) -> tuple[float, float]:
    lo = hi = 0.0
    for v, m in zip(values, marks, strict=True):
        b = bounds(m, v)
        lo, hi = lo + b[0], hi + b[1]
    return lo, hi


def known_total(tables: Sequence[Sequence[int]], marks: Sequence[Sequence[str | None]],
                total_mark: str | None, total: int) -> tuple[float, float]:
    """The interval a reader can narrow the total to, from the total and every breakdown."""
    lo, hi = total_bounds(total_mark, total)
    for values, m in zip(tables, marks, strict=True):
        tlo, thi = _table_range(values, m)
        lo, hi = max(lo, tlo), min(hi, thi)
    return lo, hi


def cell_range(values: Sequence[int], marks: Sequence[str | None], i: int,
               t_interval: tuple[float, float]) -> tuple[float, float]:
    """Every value cell ``i`` could take, given the table's other cells and the total's interval."""
    lo_o = hi_o = 0.0
    for j, (v, m) in enumerate(zip(values, marks, strict=True)):
        if j != i:
            b = bounds(m, v)
            lo_o, hi_o = lo_o + b[0], hi_o + b[1]
    lo_i, hi_i = bounds(marks[i], values[i])
    return max(lo_i, t_interval[0] - hi_o), min(hi_i, t_interval[1] - lo_o)


def _unsafe_tables(tables: Sequence[Sequence[int]], marks: Sequence[Marks], total_mark: str | None,
                   total: int) -> list[int]:
    interval = known_total(tables, marks, total_mark, total)
    out = []
    for k, (values, m) in enumerate(zip(tables, marks, strict=True)):
        for i, mark in enumerate(m):
            if mark == PRIMARY:
                lo, hi = cell_range(values, m, i, interval)
                if hi - lo < 1:
                    out.append(k)
                    break
    return out


@dataclass
class Suppressed:
    """The printed form of one measure: marks per breakdown (None = print the number) and the total."""

    marks: list[Marks]
    total_mark: str | None

    def cells(self, tables: Sequence[Sequence[int]]) -> list[list[str]]:
        """What each cell of each breakdown prints as."""
        return [[m if m is not None else str(v) for v, m in zip(values, ms, strict=True)]
                for values, ms in zip(tables, self.marks, strict=True)]

    def total(self, total: int) -> str:
        """What the total prints as."""
        return self.total_mark if self.total_mark is not None else str(total)


def _candidates(values: Sequence[int], marks: Marks) -> list[int]:
    return sorted((j for j, v in enumerate(values) if marks[j] is None and v >= COMPLEMENT_MIN),
                  key=lambda j: (values[j], j))


def suppress_measure(tables: Sequence[Sequence[int]]) -> Suppressed:
    """Suppress one measure across its breakdowns (each a list of cells adding up to the same total)."""
    totals = {sum(t) for t in tables}
    if len(totals) > 1:
        raise ValueError(f"breakdowns of one measure must share a total, got {sorted(totals)}")
    total = totals.pop() if totals else 0
    marks: list[Marks] = [[PRIMARY if is_small(v) else None for v in t] for t in tables]
    total_mark: str | None = PRIMARY if is_small(total) else None
    while unsafe := _unsafe_tables(tables, marks, total_mark, total):
        k = unsafe[0]
        cands = _candidates(tables[k], marks[k])
        if cands:
            for j in cands:
                trial = [list(m) for m in marks]
                trial[k][j] = SECONDARY
                if k not in _unsafe_tables(tables, trial, total_mark, total):
                    marks = trial
                    break
            else:
                marks[k][cands[0]] = SECONDARY
            continue
        if total_mark is None:
            total_mark = SECONDARY
            continue
        others = [(tables[o][j], o, j) for o in range(len(tables)) if o != k for j in _candidates(tables[o], marks[o])]
        if others:
            _, o, j = min(others)
            marks[o][j] = SECONDARY
            continue
        return Suppressed([[WITHHELD for _ in t] for t in tables], WITHHELD)
    return Suppressed(marks, total_mark)
