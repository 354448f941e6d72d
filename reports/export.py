"""Write a published week to ``exports/<YYYY-Www>/``: CSV, XLSX, PNG charts, a PDF summary, a manifest.

Writers receive a :class:`~reports.weekly.PublishedWeek` only, i.e. strings that were already
suppressed: nothing here can print an exact small count or a post's content.
Khmer needs a real font: Noto Sans Khmer from the ``fontpkg-noto-sans-khmer`` package is added to
matplotlib (3.11 shapes Khmer correctly) and embedded in the PDF as TrueType (``pdf.fonttype`` 42).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reports.i18n import bilingual, english, khmer, names
from reports.suppression import COMPLEMENT_MIN, PRIMARY, SECONDARY, WITHHELD
from reports.weekly import PublishedTable, PublishedWeek
from reports.weeks import TZ
from store.paths import khmer_font_path

KHMER_FONT_FAMILY = "Noto Sans Khmer"
_font_ready = False


def setup_fonts() -> None:
    """Register the Khmer font once; Latin falls back to DejaVu Sans and Khmer to Noto Sans Khmer."""
    global _font_ready
    if not _font_ready:
        font_manager.fontManager.addfont(str(khmer_font_path()))
        _font_ready = True
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", KHMER_FONT_FAMILY]
    matplotlib.rcParams["pdf.fonttype"] = 42
    matplotlib.rcParams["svg.fonttype"] = "none"


# ---------------------------------------------------------------- tables as rows


def summary_rows(pub: PublishedWeek) -> tuple[list[str], list[list[str]]]:
    """Header keys and rows of the summary (one row per measure)."""
    keys = ["metric", "this_week", "previous_week", "change", "change_pct"]
    return keys, [
        [bilingual(r["metric"]), r["this_week"], r["previous_week"], r["change"], r["change_pct"]] for r in pub.summary
    ]


_TRANSLATED = ("language", "province")


def category_name(dimension: str, value: str) -> str:
    """A row's name as printed: languages and provinces in English and Khmer, partner ids as they are."""
    return bilingual(value) if dimension in _TRANSLATED or value == "unknown" else value


def table_rows(table: PublishedTable) -> tuple[list[str], list[list[str]]]:
    """Header keys and rows (total last) of one breakdown; categories get bilingual names where known."""
    keys = [table.dimension, *table.columns]
    rows = [[category_name(table.dimension, r[0]), *r[1:]] for r in table.rows]
    rows.append([bilingual("total"), *table.total[1:]])
    return keys, rows


def all_sheets(pub: PublishedWeek) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every published table by sheet/file name, in the order they are written."""
    sheets = {"summary": summary_rows(pub)}
    for t in pub.tables:
        sheets[t.name] = table_rows(t)
    sheets["indicators"] = (["category", "count"], [[bilingual(c), n] for c, n in pub.indicators])
    sheets["turnaround"] = (
        ["label", "median_hours", "decisions"],
        [[bilingual(k), v, n] for k, v, n in pub.turnaround],
    )
    trend_keys = ["week", *(k for k in (pub.trend[0] if pub.trend else {}) if k != "week")]
    sheets["trend"] = (trend_keys, [[r.get(k, "") for k in trend_keys] for r in pub.trend])
    sheets["models"] = (["version", "from", "to"], [[m["version"], m["from"], m["to"]] for m in pub.models])
    sheets["changes"] = (
        ["breakdown", "row", "metric", "this_week", "previous_week", "change", "change_pct"],
        [[bilingual(r[0]), category_name(r[0], r[1]), bilingual(r[2]), *r[3:]] for r in pub.changes],
    )
    sheets["precision"] = (
        ["label", "language", "precision", "decisions"],
        [[bilingual(r[0]), bilingual(r[1]), r[2], r[3]] for r in pub.precision],
    )
    sheets["queue"] = (["queue_state", "count"], [[bilingual(k), v] for k, v in pub.queue_state])
    sheets["cases"] = (["label", "active_cases", "new_cases"], [[bilingual(k), a, n] for k, a, n in pub.cases])
    sheets["feeds"] = (
        ["source", "this_week", "usual_week", "feed_status"],
        [[r[0], r[1], r[2], bilingual(r[3])] for r in pub.feeds],
    )
    return sheets


def outages(pub: PublishedWeek) -> list[str]:
    """The partners whose feed was out this week (named on page 1)."""
    return [r[0] for r in pub.feeds if r[3] == "outage"]


# ---------------------------------------------------------------- writers


def write_csvs(pub: PublishedWeek, out: Path) -> list[Path]:
    """One CSV per table, UTF-8 with BOM so that Excel shows Khmer; header ``English / ខ្មែរ``."""
    paths = []
    for name, (keys, rows) in all_sheets(pub).items():
        path = out / f"{name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([bilingual(k) for k in keys])
            w.writerows(rows)
        paths.append(path)
    return paths


def _zip_normalised(raw: bytes, moment: datetime) -> bytes:
    """An XLSX (a zip) with every entry and the core properties stamped ``moment`` instead of now.

    openpyxl stamps "modified" and every zip entry with the wall clock, so two exports of the same
    week would differ in bytes; a fixed time derived from the week makes reruns identical.
    """
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    local = moment.astimezone(TZ).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), data.decode()).encode()
            entry = zipfile.ZipInfo(info.filename, date_time=local)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


_CORE_TIMES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)([^<]*)(</dcterms:)")


def write_xlsx(pub: PublishedWeek, out: Path) -> Path:
    """One workbook, one sheet per table; row 1 Khmer headers, row 2 English headers; fixed timestamps."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    moment = datetime.fromisoformat(pub.as_of)
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    wb.properties.creator = "Chhmam"
    for name, (keys, rows) in all_sheets(pub).items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([khmer(k) for k in keys])
        ws.append([english(k) for k in keys])
        for cell in (*ws[1], *ws[2]):
            cell.font = Font(bold=True, name=KHMER_FONT_FAMILY)
        for row in rows:
            ws.append([int(v) if v.isdigit() else v for v in row])
        for col in ws.columns:
            letter = col[0].column_letter
            ws.column_dimensions[letter].width = min(60, max(10, *(len(str(c.value or "")) + 2 for c in col)))
    notes = wb.create_sheet("notes")
    notes.append([f"{pub.week}  {pub.local_range[0]}"])
    notes.append([f"{pub.week}  {pub.local_range[1]}"])
    notes.append([f"{pub.start_utc} — {pub.end_utc} (UTC)"])
    for key in LEGEND:
        notes.append([names(key)[1]])
        notes.append([names(key)[0]])
    path = out / f"chhmam-{pub.week}.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_zip_normalised(buf.getvalue(), moment))
    return path


LEGEND = ("legend_primary", "legend_secondary", "legend_withheld", "legend_blank", "legend_atleast", "legend_chart")
FONT_MIN = 9.0  # points: the smallest text in a chart; Khmer below this is unreadable on A4 print
HATCH = "////"


def _num(v: str) -> float:
    return float(v) if v.isdigit() else math.nan


def _hidden_handles() -> list[Any]:
    """Legend entries for the two ways a hidden value is drawn."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Patch(fill=False, hatch=HATCH, edgecolor="0.3", label=f"{bilingual('hidden')}: <5 = 1–4, x = 5+"),
        Line2D(
            [],
            [],
            marker="o",
            markerfacecolor="none",
            color="0.3",
            linestyle="-",
            label=f"{bilingual('hidden')}: <5 (1–4)",
        ),
        Line2D(
            [],
            [],
            marker="^",
            markerfacecolor="none",
            color="0.3",
            linestyle="none",
            label=f"{bilingual('hidden')}: x (5+)",
        ),
    ]


def trend_figure(pub: PublishedWeek) -> Figure:
    """Flagged and confirmed per label over the trend weeks.

    A hidden value is a hollow marker, not a gap or a zero: ``<5`` at 2.5 with a line over 1–4, ``x``
    at 5 (its lower bound). The y axis starts at 0 and shows whole counts up to at least 5, so an
    empty week reads as zero rather than as noise around it.
    """
    setup_fonts()
    fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
    weeks = [r["week"] for r in pub.trend]
    series = [m for lb in pub.labels for m in (f"flagged_{lb}", f"confirmed_{lb}")]
    top = 5.0
    for metric in series:
        ys = [_num(r.get(metric, "")) for r in pub.trend]
        (line,) = ax.plot(weeks, ys, marker="o", label=bilingual(metric))
        top = max(top, *(y for y in ys if not math.isnan(y)), 0)
        for x, r in zip(weeks, pub.trend, strict=True):
            mark = r.get(metric, "")
            if mark == PRIMARY:
                ax.vlines(x, 1, 4, color=line.get_color(), linewidth=1)
                ax.plot([x], [2.5], marker="o", markerfacecolor="white", color=line.get_color())
                ax.annotate(f" {mark}", (x, 2.5), color=line.get_color(), va="center", fontsize=FONT_MIN)
            elif not mark.isdigit():
                ax.plot([x], [5], marker="^", markerfacecolor="white", color=line.get_color())
                ax.annotate(f" {mark}", (x, 5), color=line.get_color(), va="center", fontsize=FONT_MIN)
    ax.set_title(f"{bilingual('week')} {weeks[0] if weeks else ''} – {pub.week}", fontsize=FONT_MIN + 2)
    ax.set_ylabel(bilingual("count"), fontsize=FONT_MIN + 1)
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", rotation=30, labelsize=FONT_MIN)
    ax.tick_params(axis="y", labelsize=FONT_MIN)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, *_hidden_handles()[1:]], fontsize=FONT_MIN, loc="upper left")
    return fig


def breakdown_figure(table: PublishedTable, labels: Sequence[str], week: str = "") -> Figure:
    """Bars per category for flagged/confirmed per label.

    A hidden cell is a hatched, unfilled bar labelled with its mark (``<5`` drawn to 4, its upper
    bound; ``x`` to 5, its lower bound), never a zero-length bar that reads as "none".
    """
    setup_fonts()
    metrics = [m for lb in labels for m in (f"flagged_{lb}", f"confirmed_{lb}") if m in table.columns]
    cats = [category_name(table.dimension, r[0]) for r in table.rows]
    fig, ax = plt.subplots(
        figsize=(12, max(3.5, 0.5 * len(cats) * max(1, len(metrics)) / 2 + 1.8)), layout="constrained"
    )
    height = 0.8 / max(1, len(metrics))
    top = 5.0
    for k, metric in enumerate(metrics):
        j = table.columns.index(metric) + 1
        vals = [_num(r[j]) for r in table.rows]
        ys = [i + k * height for i in range(len(cats))]
        shown = [(y, v) for y, v in zip(ys, vals, strict=True) if not math.isnan(v)]
        bars = ax.barh([y for y, _ in shown], [v for _, v in shown], height=height, label=bilingual(metric))
        color = bars.patches[0].get_facecolor() if bars.patches else f"C{k}"
        top = max(top, *(v for _, v in shown), 0)
        for y, r in zip(ys, table.rows, strict=True):
            mark = r[j]
            if mark.isdigit():
                continue
            width = 4 if mark == PRIMARY else 5
            if mark in (PRIMARY, SECONDARY):
                ax.barh([y], [width], height=height, fill=False, hatch=HATCH, edgecolor=color)
            ax.text(width + 0.2, y, mark, va="center", fontsize=FONT_MIN, color=color)
    ax.set_yticks([i + height * (len(metrics) - 1) / 2 for i in range(len(cats))], cats, fontsize=FONT_MIN)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=FONT_MIN)
    ax.set_title(f"{bilingual(table.dimension)} — {bilingual('week')} {week}".rstrip(" —"), fontsize=FONT_MIN + 2)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        handles=[*handles, _hidden_handles()[0]], fontsize=FONT_MIN, loc="upper left", bbox_to_anchor=(1.01, 1.0)
    )  # beside the bars, never over them
    return fig


def write_charts(pub: PublishedWeek, out: Path) -> list[Path]:
    """``trend.png`` and one bar chart per breakdown (150 dpi: sharp enough to print)."""
    paths = []
    fig = trend_figure(pub)
    fig.savefig(out / "trend.png", dpi=CHART_DPI)
    plt.close(fig)
    paths.append(out / "trend.png")
    for table in pub.tables:
        fig = breakdown_figure(table, pub.labels, pub.week)
        path = out / f"{table.name}.png"
        fig.savefig(path, dpi=CHART_DPI)
        plt.close(fig)
        paths.append(path)
    return paths


CHART_DPI = 150
A4 = (8.27, 11.69)
ROWS_PER_PAGE = 30


def _two_lines(key: str) -> str:
    return f"{english(key)}\n{khmer(key)}"


def _text_table(
    ax: Any, keys: list[str], rows: list[list[str]], font: float = 8, first: float = 0.34, row_scale: float = 1.6
) -> None:
    """A matplotlib table: first column wider (names), headers in Khmer over English, wrapped."""
    ax.axis("off")
    header = [f"{khmer(k)}\n{english(k)}".replace("៖ ", "៖\n").replace(": ", ":\n").replace(" / ", "\n") for k in keys]
    rest = (1 - first) / max(1, len(keys) - 1)
    tbl = ax.table(
        cellText=rows or [["—"] * len(keys)],
        colLabels=header,
        loc="upper left",
        cellLoc="left",
        colWidths=[first, *([rest] * (len(keys) - 1))],
    )
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(font)
    tbl.scale(1, row_scale)
    for (r, _c), cell in tbl.get_celld().items():
        if r == 0:  # headers: Khmer over English, smaller, so that narrow columns do not overlap
            cell.set_height(cell.get_height() * (3.2 if len(keys) > 5 else 2.4) * 1.6 / row_scale)
            cell.get_text().set_fontsize(font - 1.5 if len(keys) > 5 else font)


def _page_header(fig: Figure, pub: PublishedWeek, title: str) -> None:
    fig.text(0.06, 0.965, f"{bilingual('week')}: {pub.week} — {pub.local_range[0]}", fontsize=FONT_MIN + 1)
    fig.text(0.06, 0.945, pub.local_range[1], fontsize=FONT_MIN + 1)
    fig.text(0.06, 0.92, title, fontsize=FONT_MIN + 2)


def _table_pages(
    pdf: PdfPages,
    pub: PublishedWeek,
    title_key: str,
    keys: list[str],
    rows: list[list[str]],
    rows_per_page: int,
    first: float = 0.34,
) -> None:
    """A table over as many A4 pages as its rows need, headers repeated; no row is ever dropped."""
    pages = max(1, math.ceil(len(rows) / rows_per_page))
    for n in range(pages):
        chunk = rows[n * rows_per_page : (n + 1) * rows_per_page]
        fig = plt.figure(figsize=A4)
        suffix = f" — {bilingual('page')} {n + 1}/{pages}" if pages > 1 else ""
        _page_header(fig, pub, bilingual(title_key) + suffix)
        height = min(0.84, 0.06 + 0.026 * (len(chunk) + 3))
        ax = fig.add_axes((0.06, 0.9 - height, 0.88, height))
        _text_table(ax, keys, chunk, font=FONT_MIN - 1.5, first=first, row_scale=1.5)
        pdf.savefig(fig)  # type: ignore[no-untyped-call]
        plt.close(fig)


def _first_page(pub: PublishedWeek) -> Figure:
    fig = plt.figure(figsize=A4)
    fig.text(0.06, 0.96, names("title")[1], fontsize=12)
    fig.text(0.06, 0.935, names("title")[0], fontsize=12)
    fig.text(0.06, 0.905, f"{bilingual('week')}: {pub.week} — {pub.local_range[0]}", fontsize=11)
    fig.text(0.06, 0.882, pub.local_range[1], fontsize=11)
    fig.text(0.06, 0.862, f"UTC: {pub.start_utc[:16]} – {pub.end_utc[:16]}", fontsize=FONT_MIN - 1, color="0.35")
    ax = fig.add_axes((0.06, 0.56, 0.88, 0.28))
    keys, rows = summary_rows(pub)
    _text_table(
        ax,
        keys,
        [[_two_lines(r["metric"]), *row[1:]] for r, row in zip(pub.summary, rows, strict=True)],
        font=FONT_MIN - 1,
        row_scale=2.2,
    )
    ax2 = fig.add_axes((0.06, 0.42, 0.88, 0.11))
    keys, rows = all_sheets(pub)["turnaround"]
    rows = [[_two_lines(t[0]), *row[1:]] for t, row in zip(pub.turnaround, rows, strict=True)]
    _text_table(ax2, keys, rows, font=FONT_MIN - 1, row_scale=2.2)
    y = 0.335
    fig.text(0.06, y, f"{bilingual('queue_state')}:", fontsize=FONT_MIN - 1.5)
    fig.text(0.08, y - 0.016, "; ".join(f"{english(k)}: {v}" for k, v in pub.queue_state), fontsize=FONT_MIN - 1.5)
    y -= 0.036
    if outages(pub):
        for line in (f"{names('outage_note')[0]}: {', '.join(outages(pub))}", names("outage_note")[1]):
            fig.text(0.06, y, line, fontsize=FONT_MIN - 1, color="darkred")
            y -= 0.018
    for line in model_lines(pub):
        fig.text(0.06, y, line, fontsize=FONT_MIN - 1)
        y -= 0.018
    y = min(y, 0.2)
    for key in LEGEND:
        fig.text(0.06, y, names(key)[0], fontsize=FONT_MIN - 1.5)
        fig.text(0.06, y - 0.014, names(key)[1], fontsize=FONT_MIN - 1.5)
        y -= 0.03
    return fig


def model_lines(pub: PublishedWeek) -> list[str]:
    """What page 1 says about the models: every version with its local time span, and a change warning."""
    lines = [f"{bilingual('models')}:"]
    lines += [f"  {m['version']}: {m['from']} – {m['to']}" for m in pub.models] or ["  —"]
    if len(pub.models) > 1:
        lines += [names("model_changed")[0], names("model_changed")[1]]
    return lines


def write_pdf(pub: PublishedWeek, out: Path, rows_per_page: int = ROWS_PER_PAGE) -> Path:
    """A4 pages in Khmer and English: key figures and legend, trend, then every breakdown in full.

    Breakdowns run over as many pages as they need (``rows_per_page``), each ending with its total.
    The creation date is the end of the week, not the time of writing, so reruns give the same bytes.
    """
    setup_fonts()
    path = out / f"chhmam-{pub.week}.pdf"
    moment = datetime.fromisoformat(pub.as_of)
    meta = {"Title": f"Chhmam weekly report {pub.week}", "Creator": "Chhmam", "CreationDate": moment, "ModDate": moment}
    with PdfPages(path, metadata=meta) as pdf:  # type: ignore[arg-type]
        fig = _first_page(pub)
        pdf.savefig(fig)
        plt.close(fig)

        fig = plt.figure(figsize=A4)
        _page_header(fig, pub, bilingual("trend"))
        tfig = trend_figure(pub)
        buf = io.BytesIO()
        tfig.savefig(buf, format="png", dpi=CHART_DPI)
        plt.close(tfig)
        buf.seek(0)
        axi = fig.add_axes((0.04, 0.45, 0.92, 0.45))
        axi.imshow(plt.imread(buf))
        axi.axis("off")
        keys, rows = all_sheets(pub)["indicators"]
        ax = fig.add_axes((0.06, 0.05, 0.88, 0.36))
        _text_table(ax, keys, rows[:20], font=FONT_MIN - 1.5, first=0.6, row_scale=1.4)
        pdf.savefig(fig)
        plt.close(fig)

        order = sorted(pub.tables, key=lambda t: t.dimension != "province")
        for table in order:
            keys, rows = table_rows(table)
            _table_pages(pdf, pub, table.dimension, keys, rows, rows_per_page, first=0.3)
        sheets = all_sheets(pub)
        if len(sheets["indicators"][1]) > 20:
            _table_pages(pdf, pub, "category", *sheets["indicators"], rows_per_page, first=0.6)
        for name, first in (("feeds", 0.3), ("precision", 0.3), ("queue", 0.5), ("cases", 0.4), ("changes", 0.22)):
            _table_pages(pdf, pub, {"queue": "queue_state"}.get(name, name), *sheets[name], rows_per_page, first)
    return path


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


SUPPRESSION_RULE = {
    "primary": f"counts 1-4 printed as {PRIMARY!r}",
    "secondary": f"{SECONDARY!r}: a cell of 5 or more (or a total) hidden so that no combination of published "
    f"cells and totals narrows a {PRIMARY!r} below 1-4, or a hidden cell or total to fewer than "
    f"{COMPLEMENT_MIN} possible values",
    "withheld": f"{WITHHELD!r}: the whole measure withheld for the week when nothing else protects it",
    "ratios": "precision printed only when both its counts are at least 5, rounded to 5 percentage points",
}


def write_manifest(
    pub: PublishedWeek, out: Path, files: Sequence[Path], provenance: dict[str, str] | None = None
) -> Path:
    """``manifest.json``: week, windows, models, code, the suppression rule, SHA-256 and size of every file.

    Nothing in it depends on the time of writing, so the same database and code give the same bytes.
    """
    manifest = {
        "week": pub.week,
        "start_utc": pub.start_utc,
        "end_utc": pub.end_utc,
        "timezone": "Asia/Phnom_Penh",
        "local_range": pub.local_range[0],
        "as_of": pub.as_of,
        "model_versions": pub.models,
        **(provenance or {}),
        "suppression": SUPPRESSION_RULE,
        "files": [{"name": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)} for p in sorted(files)],
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_export(pub: PublishedWeek, root: Path, provenance: dict[str, str] | None = None) -> Path:
    """Write every format to ``root/<week>/`` (replacing an earlier export of the week); returns it."""
    out = root / pub.week
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    files = [*write_csvs(pub, out), write_xlsx(pub, out), *write_charts(pub, out), write_pdf(pub, out)]
    write_manifest(pub, out, files, provenance)
    return out
