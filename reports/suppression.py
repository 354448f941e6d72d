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
``tests/reports/test_suppression.py`` checks the result against a brute-force reader.
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


def known_total(
    tables: Sequence[Sequence[int]], marks: Sequence[Sequence[str | None]], total_mark: str | None, total: int
) -> tuple[float, float]:
    """The interval a reader can narrow the total to, from the total and every breakdown."""
    lo, hi = total_bounds(total_mark, total)
    for values, m in zip(tables, marks, strict=True):
        tlo, thi = _table_range(values, m)
        lo, hi = max(lo, tlo), min(hi, thi)
    return lo, hi


def cell_range(
    values: Sequence[int], marks: Sequence[str | None], i: int, t_interval: tuple[float, float]
) -> tuple[float, float]:
    """Every value cell ``i`` could take, given the table's other cells and the total's interval."""
    lo_o = hi_o = 0.0
    for j, (v, m) in enumerate(zip(values, marks, strict=True)):
        if j != i:
            b = bounds(m, v)
            lo_o, hi_o = lo_o + b[0], hi_o + b[1]
    lo_i, hi_i = bounds(marks[i], values[i])
    return max(lo_i, t_interval[0] - hi_o), min(hi_i, t_interval[1] - lo_o)


MIN_HIDDEN_VALUES = COMPLEMENT_MIN  # an 'x' cell or hidden total keeps at least this many possible values
MIN_SMALL_VALUES = 3  # a '<5' keeps at least three of 1..4 (never {1, 2}: "probably one child")


def _need(mark: str | None) -> float:
    """How wide (hi - lo) a reader's interval for a hidden value must stay.

    A ``<5`` keeps at least ``MIN_SMALL_VALUES`` of 1..4 (all four would withhold every measure
    whose ``<5`` total has two small cells); an ``x`` cell or a hidden total keeps at least
    ``MIN_HIDDEN_VALUES`` possible values, so hiding it means something.
    """
    if mark == PRIMARY:
        return MIN_SMALL_VALUES - 1
    if mark == SECONDARY:
        return MIN_HIDDEN_VALUES - 1
    return -1.0


def _table_deficits(values: Sequence[int], marks: Sequence[str | None], interval: tuple[float, float]) -> float:
    """How far the hidden cells of one breakdown fall short of their required width (0: safe)."""
    b = [bounds(m, v) for v, m in zip(values, marks, strict=True)]
    lo_sum = sum(x[0] for x in b)
    n_inf = sum(1 for x in b if x[1] == INF)
    hi_fin = sum(x[1] for x in b if x[1] != INF)
    short = 0.0
    for (lo_i, hi_i), mark in zip(b, marks, strict=True):
        if mark is None or mark == WITHHELD:
            continue
        lo_o = lo_sum - lo_i
        hi_o = INF if n_inf - (hi_i == INF) > 0 else hi_fin - (0 if hi_i == INF else hi_i)
        lo, hi = max(lo_i, interval[0] - hi_o), min(hi_i, interval[1] - lo_o)
        short += max(0.0, _need(mark) - (hi - lo))
    return short


def _deficits(
    tables: Sequence[Sequence[int]], marks: Sequence[Marks], total_mark: str | None, total: int
) -> list[float]:
    """Per breakdown, then for the total: the shortfall of hidden values below their required width."""
    interval = known_total(tables, marks, total_mark, total)
    out = [_table_deficits(values, m, interval) for values, m in zip(tables, marks, strict=True)]
    out.append(max(0.0, _need(total_mark) - (interval[1] - interval[0])) if total_mark is not None else 0.0)
    return out


@dataclass
class Suppressed:
    """The printed form of one measure: marks per breakdown (None = print the number) and the total."""

    marks: list[Marks]
    total_mark: str | None

    def cells(self, tables: Sequence[Sequence[int]]) -> list[list[str]]:
        """What each cell of each breakdown prints as."""
        return [
            [m if m is not None else str(v) for v, m in zip(values, ms, strict=True)]
            for values, ms in zip(tables, self.marks, strict=True)
        ]

    def total(self, total: int) -> str:
        """What the total prints as."""
        return self.total_mark if self.total_mark is not None else str(total)


def _candidates(values: Sequence[int], marks: Marks) -> list[int]:
    return sorted(
        (j for j, v in enumerate(values) if marks[j] is None and v >= COMPLEMENT_MIN), key=lambda j: (values[j], j)
    )


Action = tuple[int, int]  # (breakdown, cell) to hide as 'x'; (-1, -1) hides the total


def _actions(
    tables: Sequence[Sequence[int]], marks: Sequence[Marks], total_mark: str | None, deficits: list[float]
) -> list[Action]:
    """What may be hidden next, preferred first: small cells of a short breakdown, the total, other cells."""
    short = [k for k, d in enumerate(deficits[:-1]) if d > 0]
    first = [(k, j) for k in short for j in _candidates(tables[k], marks[k])]
    rest = sorted(
        ((k, j) for k in range(len(tables)) if k not in short for j in _candidates(tables[k], marks[k])),
        key=lambda a: (tables[a[0]][a[1]], a),
    )
    total: list[Action] = [(-1, -1)] if total_mark is None else []
    return [*sorted(first, key=lambda a: (tables[a[0]][a[1]], a)), *total, *rest]


def _apply(marks: Sequence[Marks], total_mark: str | None, action: Action) -> tuple[list[Marks], str | None]:
    new = [list(m) for m in marks]
    if action == (-1, -1):
        return new, SECONDARY
    new[action[0]][action[1]] = SECONDARY
    return new, total_mark


def suppress_measure(tables: Sequence[Sequence[int]]) -> Suppressed:
    """Suppress one measure across its breakdowns (each a list of cells adding up to the same total).

    Greedy: while some hidden value is narrower than required, hide the first cell (or the total)
    that makes everything safe, else the one that reduces the shortfall most; when nothing is left to
    hide, the measure is withheld for the week.
    """
    totals = {sum(t) for t in tables}
    if len(totals) > 1:
        raise ValueError(f"breakdowns of one measure must share a total, got {sorted(totals)}")
    total = totals.pop() if totals else 0
    marks: list[Marks] = [[PRIMARY if is_small(v) else None for v in t] for t in tables]
    total_mark: str | None = PRIMARY if is_small(total) else None
    deficits = _deficits(tables, marks, total_mark, total)
    while sum(deficits) > 0:
        best: tuple[float, list[Marks], str | None] | None = None
        for action in _actions(tables, marks, total_mark, deficits):
            trial, trial_total = _apply(marks, total_mark, action)
            shortfall = sum(_deficits(tables, trial, trial_total, total))
            if best is None or shortfall < best[0]:
                best = (shortfall, trial, trial_total)
            if shortfall == 0:
                break
        if best is None:
            return Suppressed([[WITHHELD for _ in t] for t in tables], WITHHELD)
        _, marks, total_mark = best
        deficits = _deficits(tables, marks, total_mark, total)
    return Suppressed(marks, total_mark)
