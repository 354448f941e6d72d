"""Property test: no combination of published cells and totals pins down a count from 1 to 4.

Hypothesis draws a few posts with three attributes (e.g. language, province, platform); the export
publishes one breakdown per attribute (counts per value seen) and sometimes a one-row breakdown
(a single source, whose cell *is* the total). An independent reader then works out, by set
enumeration rather than the interval formula the suppressor uses, every value each hidden cell
could take given everything published — knowing the rule: "<5" is 1..4, "x" is at least 5, "-" is
anything, totals exact / "<5" / "x". Every "<5" must keep at least three of 1..4 (never {1, 2}),
every "x" cell and a hidden total at least 5 possible values (an interval of width 5 or
more, up to the reader's cap), and every printed number must be the true count.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.suppression import PRIMARY, SECONDARY, WITHHELD, is_small, suppress_measure


def _allowed(mark: str, value: int, cap: int) -> set[int]:
    if mark == PRIMARY:
        return {1, 2, 3, 4}
    if mark == SECONDARY:
        return set(range(5, cap + 1))
    if mark == WITHHELD:
        return set(range(cap + 1))
    return {int(mark)}


def _sums(options: list[set[int]], cap: int) -> set[int]:
    sums = {0}
    for opts in options:
        sums = {s + v for s in sums for v in opts if s + v <= cap}
    return sums


def reader_totals(printed: list[list[str]], total: str, cap: int) -> set[int]:
    """Every value the total could take, given all printed breakdowns and the total."""
    totals = _allowed(total, 0, cap) if total != SECONDARY else set(range(5, cap + 1))
    for table in printed:
        totals &= _sums([_allowed(c, 0, cap) for c in table], cap)
    return totals


def reader_view(printed: list[list[str]], total: str, cap: int) -> list[list[set[int]]]:
    """Every value each cell could take, given all printed breakdowns and the total."""
    totals = _allowed(total, 0, cap) if total != SECONDARY else set(range(5, cap + 1))
    options = [[_allowed(c, 0, cap) for c in table] for table in printed]
    # totals every breakdown allows
    for table in options:
        totals &= _sums(table, cap)
    view = []
    for table in options:
        cells = []
        for i, opts in enumerate(table):
            others = _sums([o for j, o in enumerate(table) if j != i], cap)
            cells.append({v for v in opts if any(t - v in others for t in totals)})
        view.append(cells)
    return view


records = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 1)), max_size=24)


@settings(max_examples=400, deadline=None)
@given(posts=records, with_single=st.booleans())
def test_no_published_combination_reveals_a_small_count(posts: list[tuple[int, int, int]], with_single: bool) -> None:
    """Posts with three attributes (say language, province, platform); each breakdown lists the values seen."""
    tables = []
    for k in range(3):
        seen = sorted({p[k] for p in posts})
        tables.append([sum(1 for p in posts if p[k] == v) for v in seen])
    if with_single:
        tables.append([len(posts)])
    rows = tables[0]
    total = sum(rows)
    sup = suppress_measure(tables)
    printed = sup.cells(tables)
    printed_total = sup.total(total)
    # printed numbers are true; small counts are never printed as numbers
    for values, cells in zip(tables, printed, strict=True):
        for v, c in zip(values, cells, strict=True):
            if c.isdigit():
                assert int(c) == v
            else:
                assert c in (PRIMARY, SECONDARY, WITHHELD)
            if is_small(v):
                assert c in (PRIMARY, WITHHELD)
            if c == PRIMARY:
                assert is_small(v)
            if c == SECONDARY:
                assert v >= 5
    if printed_total.isdigit():
        assert int(printed_total) == total and not is_small(total)
    if is_small(total):
        assert printed_total in (PRIMARY, WITHHELD)
    # the reader cannot pin down any count from 1 to 4
    cap = total + 30
    view = reader_view(printed, printed_total, cap)
    for values, possible in zip(tables, view, strict=True):
        for v, opts in zip(values, possible, strict=True):
            assert v in opts, "the reader's model must admit the truth"
            if is_small(v):
                assert len(opts) >= 2, f"{v} revealed: tables={tables} printed={printed} total={printed_total}"
    for cells, possible in zip(printed, view, strict=True):
        for c, opts in zip(cells, possible, strict=True):
            if c == PRIMARY:
                assert len(opts) >= 3, f"'<5' narrowed to {opts}: tables={tables} printed={printed}"
            if c == SECONDARY:
                assert len(opts) >= 5, f"'x' narrowed to {sorted(opts)}: tables={tables} printed={printed}"
    if printed_total == SECONDARY:
        totals = reader_totals(printed, printed_total, cap)
        assert len(totals) >= 5, f"hidden total narrowed to {sorted(totals)}: tables={tables} printed={printed}"


def test_reader_catches_a_naive_suppression() -> None:
    """The checker is not toothless: primary suppression alone gives a lone small cell away."""
    view = reader_view([["12", PRIMARY]], "15", 50)
    assert view[0][1] == {3}


def test_reader_catches_thin_secondary_suppression() -> None:
    """The earlier rule's answer for 0 / 6 / 4 (total 10): the '<5' is 1..4 but the 'x' is only 6..9."""
    view = reader_view([["0", SECONDARY, PRIMARY]], "10", 50)
    assert view[0][2] == {1, 2, 3, 4} and view[0][1] == {6, 7, 8, 9}
    assert reader_totals([["10", PRIMARY], [SECONDARY, SECONDARY]], SECONDARY, 50) == {11, 12, 13, 14}


def test_worked_examples() -> None:
    sup = suppress_measure([[0, 6, 4], [10, 0], [6, 0, 4]])
    # hiding the 6 alone would leave it 6..9: the total and the cells that give it away are hidden too
    assert sup.cells([[0, 6, 4], [10, 0], [6, 0, 4]]) == [["0", "x", "<5"], ["x", "0"], ["x", "0", "<5"]]
    assert sup.total(10) == "x"
    sup = suppress_measure([[12, 11, 0, 5, 8, 30, 2], [68]])
    assert sup.cells([[12, 11, 0, 5, 8, 30, 2], [68]]) == [["12", "11", "0", "x", "x", "30", "<5"], ["68"]]
    sup = suppress_measure([[0, 5, 1], [6, 0], [6, 0], [5, 0, 1]])
    assert sup.total(6) == "x"
    assert sup.cells([[0, 5, 1], [6, 0], [6, 0], [5, 0, 1]]) == [
        ["0", "x", "<5"],
        ["x", "0"],
        ["x", "0"],
        ["x", "0", "<5"],
    ]
    sup = suppress_measure([[1, 1, 1, 1]])  # four 1s with a total under 5: each would be 1
    assert sup.total(4) == "-" and sup.cells([[1, 1, 1, 1]]) == [["-", "-", "-", "-"]]
