"""The weekly figures for the ministry: exact counts in, suppressed tables out.

Two steps with a hard line between them: :func:`compute_week` reads the database (through
``store.report_queries``, which never selects text, handles, URLs or author hashes) into exact counts;
:func:`publish_week` turns them into the strings that may leave the building, with small-cell
suppression. File writers (``reports.export``) only ever see the published strings.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.params import labels
from reports.gazetteer import Unmatched
from reports.gazetteer import load as load_gazetteer
from reports.suppression import (
    COMPLEMENT_MIN,
    PRIMARY,
    SECONDARY,
    Suppressed,
    is_small,
    publish_count,
    suppress_measure,
)
from reports.weeks import TZ, IsoWeek
from store.report_queries import (
    CaseFacts,
    DecisionFacts,
    ModelSpan,
    PostFacts,
    cases_seen,
    decisions_made,
    flagged_indicators,
    flags_enqueued,
    models_serving,
    posts_ingested,
    queue_state_at,
)

LABELS = labels()  # the export's columns: the label set the system is defined over
DIMENSIONS = ("language", "platform", "source", "province")
UNKNOWN = "unknown"
TREND_WEEKS = 8
MIN_FOR_MEDIAN = 5
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def metric_names(labels: Iterable[str] = LABELS) -> tuple[str, ...]:
    """Column order of every breakdown: volumes first, then outcomes.

    There is deliberately no "flagged (any label)" or "confirmed (any label)" column: most posts carry
    one label, so "any" = sum of the label columns would be a row total that gives away a suppressed
    label cell. Every published column is additive over the rows of a breakdown and nothing else.
    """
    labels = tuple(labels)
    return (
        "ingested",
        *(f"flagged_{lb}" for lb in labels),
        *(f"confirmed_{lb}" for lb in labels),
        "dismissed",
        "referred",
    )


def province_of(post: PostFacts, unmatched: Unmatched | None = None) -> str:
    """The province ``posts.province`` or else ``posts.location_hint`` names (gazetteer), else ``unknown``.

    Free-text location hints are never published as such: only a province of the gazetteer is, so a
    hint that holds a village or a handle cannot leak. Strings that match nothing go to ``unmatched``.
    """
    gazetteer = load_gazetteer()
    for raw in (post.province, post.location_hint):
        found = gazetteer.match(raw)
        if found is not None:
            return found
    if unmatched is not None:
        unmatched.add(post.province or post.location_hint)
    return UNKNOWN


_SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._\-]{0,39}$")


def _safe(value: str | None) -> str:
    """A dimension value fit to publish (a short vocabulary word), else ``unknown``."""
    return value if value and _SAFE_VALUE.match(value) else UNKNOWN


def dimension_values(post: PostFacts, unmatched: Unmatched | None = None) -> dict[str, str]:
    """The post's category in each breakdown."""
    return {
        "language": _safe(post.lang),
        "platform": _safe(post.platform),
        "source": _safe(post.source),
        "province": province_of(post, unmatched),
    }


@dataclass
class WeekCounts:
    """Exact counts of one week: per metric, a counter over (language, platform, source, province)."""

    week: IsoWeek
    labels: tuple[str, ...]
    cells: dict[str, Counter[tuple[str, ...]]]
    turnaround_hours: dict[str, list[float]]
    indicators: Counter[str]
    unmatched: Unmatched = field(default_factory=Unmatched)
    models: list[ModelSpan] = field(default_factory=list)
    dismissed_by_label: Counter[tuple[str, str]] = field(default_factory=Counter)
    queue_state: dict[str, int] = field(default_factory=dict)
    cases: dict[str, tuple[int, int]] = field(default_factory=dict)

    def total(self, metric: str) -> int:
        """The week's total of a metric."""
        return sum(self.cells[metric].values())

    def breakdown(self, dimension: str) -> tuple[list[str], dict[str, list[int]]]:
        """Row categories (sorted, ``unknown`` last) and per-metric column values."""
        k = DIMENSIONS.index(dimension)
        rows = sorted({key[k] for c in self.cells.values() for key in c}, key=lambda v: (v == UNKNOWN, v))
        cols: dict[str, list[int]] = {}
        for metric, counter in self.cells.items():
            per = Counter[str]()
            for key, n in counter.items():
                per[key[k]] += n
            cols[metric] = [per[r] for r in rows]
        return rows, cols


def _key(post: PostFacts, unmatched: Unmatched | None = None) -> tuple[str, ...]:
    d = dimension_values(post, unmatched)
    return tuple(d[name] for name in DIMENSIONS)


def _first_decisions(decisions: list[DecisionFacts]) -> dict[int, DecisionFacts]:
    first: dict[int, DecisionFacts] = {}
    for d in sorted(decisions, key=lambda d: d.created_at):
        first.setdefault(d.queue_item_id, d)
    return first


def indicator_categories(indicators: dict[str, Any]) -> set[str]:
    """Category names in a score's indicator JSON, whatever its shape; unknown shapes give nothing.

    Accepted: ``{"secrecy": true, "gift": 0.8}`` (truthy keys), ``{"categories": ["secrecy"]}``,
    ``{"secrecy": ["matched words"]}`` (the key counts, the list is never read). Only names that look
    like identifiers are kept, so free text can never become a category.
    """
    found: set[str] = set()
    for key, value in indicators.items():
        if key in ("categories", "indicators") and isinstance(value, list):
            found.update(str(v) for v in value if isinstance(v, str))
        elif value:
            found.add(str(key))
    return {c for c in found if _CATEGORY.match(c)}


def compute_week(session: Session, week: IsoWeek, labels: Iterable[str] = LABELS) -> WeekCounts:
    """Exact counts for ``week`` (Asia/Phnom_Penh ISO week)."""
    start, end = week.bounds()
    labels = tuple(labels)
    cells: dict[str, Counter[tuple[str, ...]]] = {m: Counter() for m in metric_names(labels)}
    unmatched = Unmatched()
    for post in posts_ingested(session, start, end):
        cells["ingested"][_key(post, unmatched)] += 1
    for flag in flags_enqueued(session, start, end):
        key = _key(flag.post)
        for lb in set(flag.labels) & set(labels):
            cells[f"flagged_{lb}"][key] += 1
    decisions = decisions_made(session, start, end)
    seen: set[tuple[str, int]] = set()
    dismissed_by_label: Counter[tuple[str, str]] = Counter()
    for d in decisions:
        action = {"confirm": "confirmed", "dismiss": "dismissed", "refer": "referred"}.get(d.action)
        if action is None or (action, d.queue_item_id) in seen:
            continue
        seen.add((action, d.queue_item_id))
        key = _key(d.post)
        if action == "confirmed":
            for lb in set(d.labels) & set(labels):
                cells[f"confirmed_{lb}"][key] += 1
        else:
            cells[action][key] += 1
        if action == "dismissed":
            for lb in set(d.labels) & set(labels):
                dismissed_by_label[(lb, key[0])] += 1
    turnaround: dict[str, list[float]] = {"all": []}
    for d in _first_decisions(decisions).values():
        hours = (d.created_at - d.enqueued_at).total_seconds() / 3600
        turnaround["all"].append(hours)
        for lb in set(d.labels) & set(labels):
            turnaround.setdefault(lb, []).append(hours)
    indicators: Counter[str] = Counter()
    for _label, ind in flagged_indicators(session, start, end):
        indicators.update(indicator_categories(ind))
    return WeekCounts(
        week=week,
        labels=labels,
        cells=cells,
        turnaround_hours=turnaround,
        indicators=indicators,
        unmatched=unmatched,
        models=models_serving(session, start, end),
        dismissed_by_label=dismissed_by_label,
        queue_state=queue_state_at(session, end),
        cases=case_counts(cases_seen(session, start, end), start, labels),
    )


def case_counts(found: list[CaseFacts], start: datetime, labels: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Per label (and ``all``): (cases active in the week, cases first seen in the week).

    A case counts under every label its queued members were flagged with, so the label rows do not
    add up to ``all``; each figure is published on its own with the small-cell rule.
    """
    out: dict[str, tuple[int, int]] = {}
    for key in ("all", *labels):
        rows = [c for c in found if key == "all" or key in c.labels]
        out[key] = (len(rows), sum(1 for c in rows if c.first_seen is not None and c.first_seen >= start))
    return out


# ---------------------------------------------------------------- publishing


@dataclass
class PublishedTable:
    """A breakdown as printed: header keys, rows of strings, and a total row."""

    name: str
    dimension: str
    columns: tuple[str, ...]
    rows: list[list[str]]
    total: list[str]


@dataclass
class PublishedWeek:
    """Everything that may leave: only strings, already suppressed."""

    week: str
    start_utc: str
    end_utc: str
    as_of: str
    local_range: tuple[str, str]
    labels: tuple[str, ...]
    summary: list[dict[str, str]]
    tables: list[PublishedTable]
    indicators: list[tuple[str, str]]
    turnaround: list[tuple[str, str, str]]
    trend: list[dict[str, str]] = field(default_factory=list)
    models: list[dict[str, str]] = field(default_factory=list)
    changes: list[list[str]] = field(default_factory=list)
    precision: list[list[str]] = field(default_factory=list)
    queue_state: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[list[str]] = field(default_factory=list)
    cases: list[tuple[str, str, str]] = field(default_factory=list)


def suppress_week(counts: WeekCounts) -> dict[str, tuple[Suppressed, list[list[int]]]]:
    """Per metric: the suppression over all breakdowns at once, and the breakdowns' exact columns."""
    breakdowns = [counts.breakdown(dim)[1] for dim in DIMENSIONS]
    out = {}
    for metric in counts.cells:
        tables = [cols[metric] for cols in breakdowns]
        out[metric] = (suppress_measure(tables), tables)
    return out


def published_totals(counts: WeekCounts) -> dict[str, str]:
    """The total of each metric as printed everywhere (summary, breakdowns, trend)."""
    return {metric: sup.total(counts.total(metric)) for metric, (sup, _) in suppress_week(counts).items()}


def _change(now: str, before: str) -> tuple[str, str]:
    if not (now.isdigit() and before.isdigit()):
        return SECONDARY, SECONDARY
    diff = int(now) - int(before)
    pct = f"{100 * diff / int(before):+.0f}%" if int(before) else ""
    return f"{diff:+d}", pct


def publish_week(
    counts: WeekCounts, previous: WeekCounts | None = None, trend: list[WeekCounts] | None = None
) -> PublishedWeek:
    """Suppress and format one week (with last week for the change, and earlier weeks for the trend)."""
    suppressed = suppress_week(counts)
    totals = {metric: sup.total(counts.total(metric)) for metric, (sup, _) in suppressed.items()}
    prev_totals = published_totals(previous) if previous else {}
    summary = []
    for metric in counts.cells:
        before = prev_totals.get(metric, "")
        change, pct = _change(totals[metric], before) if before else ("", "")
        summary.append(
            {
                "metric": metric,
                "this_week": totals[metric],
                "previous_week": before,
                "change": change,
                "change_pct": pct,
            }
        )
    tables = []
    for k, dim in enumerate(DIMENSIONS):
        rows, cols = counts.breakdown(dim)
        printed = {metric: sup.cells(tables)[k] for metric, (sup, tables) in suppressed.items()}
        metrics = tuple(cols)
        tables.append(
            PublishedTable(
                name=f"by_{dim}",
                dimension=dim,
                columns=metrics,
                rows=[[r, *(printed[m][i] for m in metrics)] for i, r in enumerate(rows)],
                total=["total", *(totals[m] for m in metrics)],
            )
        )
    indicators = [(cat, publish_count(n)) for cat, n in sorted(counts.indicators.items())]
    turnaround = []
    for key in ("all", *counts.labels):
        hours = counts.turnaround_hours.get(key, [])
        value = f"{statistics.median(hours):.1f}" if len(hours) >= MIN_FOR_MEDIAN else ""
        # The number of decisions is not printed, only whether it reached 5: an exact count would be a
        # total over confirmed + dismissed + referred and could give a suppressed one of them away.
        turnaround.append((key, value, ">=5" if len(hours) >= MIN_FOR_MEDIAN else PRIMARY))
    start, end = counts.week.bounds()
    trend_rows = []
    for wk in trend or []:
        t = published_totals(wk)
        trend_rows.append({"week": str(wk.week), **{m: t[m] for m in wk.cells}})
    return PublishedWeek(
        week=str(counts.week),
        start_utc=start.isoformat(),
        end_utc=end.isoformat(),
        as_of=counts.week.as_of().isoformat(),
        local_range=counts.week.local_range(),
        labels=counts.labels,
        summary=summary,
        tables=tables,
        indicators=indicators,
        turnaround=turnaround,
        trend=trend_rows,
        models=published_models(counts.models),
        changes=week_changes(counts, previous),
        precision=live_precision(counts),
        queue_state=[(k, publish_count(v)) for k, v in counts.queue_state.items()],
        feeds=feed_health(counts, trend or []),
        cases=[(k, publish_count(a), publish_count(n)) for k, (a, n) in counts.cases.items()],
    )


CHANGE_DIMENSIONS = ("language", "province", "platform")


def published_cells(counts: WeekCounts) -> dict[tuple[str, str, str], str]:
    """(dimension, category, metric) → the cell exactly as that week's own export printed it."""
    out: dict[tuple[str, str, str], str] = {}
    for k, dim in enumerate(DIMENSIONS):
        rows, _ = counts.breakdown(dim)
        for metric, (sup, tables) in suppress_week(counts).items():
            for row, cell in zip(rows, sup.cells(tables)[k], strict=True):
                out[(dim, row, metric)] = cell
    return out


def week_changes(counts: WeekCounts, previous: WeekCounts | None) -> list[list[str]]:
    """Flagged and confirmed per label, by language, province and platform: this week, last week, change.

    Both weeks are printed as their own exports printed them, and a change only where both are
    numbers, so this table reveals nothing the two weekly exports do not.
    """
    now = published_cells(counts)
    before = published_cells(previous) if previous else {}
    metrics = [m for lb in counts.labels for m in (f"flagged_{lb}", f"confirmed_{lb}")]
    rows = []
    for dim in CHANGE_DIMENSIONS:
        cats = sorted({c for (d, c, _m) in (*now, *before) if d == dim}, key=lambda v: (v == UNKNOWN, v))
        for cat in cats:
            for metric in metrics:
                a, b = now.get((dim, cat, metric), "0"), before.get((dim, cat, metric), "0")
                change, pct = _change(a, b)
                rows.append([dim, cat, metric, a, b, change, pct])
    return rows


PRECISION_MIN = COMPLEMENT_MIN  # confirmed and dismissed must each be 0 or at least this to print a ratio


def live_precision(counts: WeekCounts) -> list[list[str]]:
    """Per label and language: the share of decided flags that moderators confirmed (live precision).

    Printed rounded to 5 percentage points, and only when confirmed and dismissed are each 0 or at
    least 5 and add up to 10 or more: otherwise the ratio and a published count would give a small
    count away. The model's precision on real traffic is what a ministry can hold it to.
    """
    rows = []
    for lb in counts.labels:
        k = DIMENSIONS.index("language")
        per_lang: Counter[str] = Counter()
        for key, n in counts.cells[f"confirmed_{lb}"].items():
            per_lang[key[k]] += n
        langs = sorted(set(per_lang) | {lang for (label, lang) in counts.dismissed_by_label if label == lb})
        for lang in langs:
            c, d = per_lang[lang], counts.dismissed_by_label[(lb, lang)]
            ok = c + d >= 2 * PRECISION_MIN and not is_small(c) and not is_small(d)
            rows.append(
                [
                    lb,
                    lang,
                    f"{5 * round(20 * c / (c + d))}%" if ok else SECONDARY,
                    ">=10" if c + d >= 2 * PRECISION_MIN else "<10",
                ]
            )
    return rows


FEED_USUAL_WEEKS = 4
FEED_MIN_USUAL = 10  # below this weekly volume a drop cannot be told from chance
FEED_OUTAGE_SHARE = 0.5


def feed_health(counts: WeekCounts, history: list[WeekCounts]) -> list[list[str]]:
    """Per partner: posts this week, usual weekly posts, and ``ok`` / ``outage`` / ``new`` / ``low volume``.

    "Usual" is the median over those of the previous ``FEED_USUAL_WEEKS`` weeks in which the partner
    delivered anything (a longer outage must not become the new normal). A partner that sent
    less than half its usual volume (or nothing) is named as an outage, so that fewer flags from it
    are not read as a safer week. This week's volume prints as ``by_source`` prints it; the usual
    volume only to the nearest 10, so it cannot undo another week's suppression.
    """
    k = DIMENSIONS.index("source")
    per_week: list[Counter[str]] = []
    for wk in history:
        per: Counter[str] = Counter()
        for key, n in wk.cells["ingested"].items():
            per[key[k]] += n
        per_week.append(per)
    now = (
        per_week[-1]
        if per_week and history[-1].week == counts.week
        else Counter({key[k]: n for key, n in counts.cells["ingested"].items()})
    )
    earlier = [w for wk, w in zip(history, per_week, strict=True) if wk.week < counts.week][-FEED_USUAL_WEEKS:]
    printed = published_cells(counts)  # this week's volume exactly as by_source prints it
    rows = []
    for source in sorted(set(now) | {s for w in earlier for s in w}):
        past = [w[source] for w in earlier if w[source]]
        usual = statistics.median(past) if past else 0
        if usual == 0:
            status = "new"
        elif usual < FEED_MIN_USUAL:
            status = "low volume"
        elif now[source] < FEED_OUTAGE_SHARE * usual:
            status = "outage"
        else:
            status = "ok"
        printed_usual = f"~{10 * round(usual / 10)}" if usual >= FEED_MIN_USUAL else f"<{FEED_MIN_USUAL}"
        rows.append([source, printed.get(("source", source, "ingested"), "0"), printed_usual, status])
    return rows


def published_models(spans: list[ModelSpan]) -> list[dict[str, str]]:
    """The model versions that produced the week's scores, with the local days each one scored.

    A promotion mid-week changes what gets flagged; printing it keeps a reader from taking the
    change of model for a change in the world.
    """
    return [
        {
            "version": s.version,
            "from": s.first.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
            "to": s.last.astimezone(TZ).strftime("%Y-%m-%d %H:%M"),
        }
        for s in spans
    ]


def build_week(
    session: Session, week: IsoWeek, labels: Iterable[str] = LABELS, trend_weeks: int = TREND_WEEKS
) -> tuple[WeekCounts, PublishedWeek]:
    """Exact counts and the published form of ``week``, with last week and a trend of ``trend_weeks``."""
    labels = tuple(labels)
    history = [compute_week(session, week.shift(-k), labels) for k in range(trend_weeks - 1, -1, -1)]
    counts = history[-1]
    previous = history[-2] if len(history) > 1 else compute_week(session, week.shift(-1), labels)
    return counts, publish_week(counts, previous, history)
