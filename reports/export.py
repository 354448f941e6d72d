"""Write a published week to ``exports/<YYYY-Www>/``: CSV, XLSX, PNG charts, a PDF summary, a manifest.

Writers receive a :class:`~reports.weekly.PublishedWeek` only, i.e. strings that were already
suppressed: nothing here can print an exact small count or a post's content.
Khmer needs a real font: Noto Sans Khmer from the ``fontpkg-noto-sans-khmer`` package is added to
matplotlib (3.11 shapes Khmer correctly) and embedded in the PDF as TrueType (``pdf.fonttype`` 42).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from reports.i18n import bilingual, english, khmer, names
from reports.suppression import PRIMARY
from reports.weekly import PublishedTable, PublishedWeek

KHMER_FONT_FAMILY = "Noto Sans Khmer"
_font_ready = False


def khmer_font_path() -> Path:
    """The Noto Sans Khmer TTF shipped by ``fontpkg-noto-sans-khmer``."""
    import fontpkg

    return Path(fontpkg.path("noto-sans-khmer"))


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
    return keys, [[bilingual(r["metric"]), r["this_week"], r["previous_week"], r["change"], r["change_pct"]]
                  for r in pub.summary]


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
    sheets["turnaround"] = (["label", "median_hours", "decisions"],
                            [[bilingual(k), v, n] for k, v, n in pub.turnaround])
    trend_keys = ["week", *(k for k in (pub.trend[0] if pub.trend else {}) if k != "week")]
    sheets["trend"] = (trend_keys, [[r.get(k, "") for k in trend_keys] for r in pub.trend])
    return sheets


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


def write_xlsx(pub: PublishedWeek, out: Path) -> Path:
    """One workbook, one sheet per table; row 1 Khmer headers, row 2 English headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
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
    notes.append([f"{pub.week}  {pub.start_utc} — {pub.end_utc} (Asia/Phnom_Penh ISO week)"])
    notes.append([names("suppressed_note")[1]])
    notes.append([names("suppressed_note")[0]])
    path = out / f"chhmam-{pub.week}.xlsx"
    wb.save(path)
    return path


def _num(v: str) -> float:
    return float(v) if v.isdigit() else math.nan


def trend_figure(pub: PublishedWeek) -> Figure:
    """Flagged and confirmed per label over the trend weeks; hidden values are gaps, marked '<5'/'x'."""
    setup_fonts()
    fig, ax = plt.subplots(figsize=(9, 4.8), layout="constrained")
    weeks = [r["week"] for r in pub.trend]
    series = [m for lb in pub.labels for m in (f"flagged_{lb}", f"confirmed_{lb}")]
    for metric in series:
        ys = [_num(r.get(metric, "")) for r in pub.trend]
        (line,) = ax.plot(weeks, ys, marker="o", label=bilingual(metric))
        for x, r in zip(weeks, pub.trend, strict=True):
            if not r.get(metric, "0").isdigit():
                ax.annotate(r.get(metric, ""), (x, 0), color=line.get_color(), ha="center", fontsize=8)
    ax.set_title(f"{names('week')[1]} / {english('week')} {weeks[0] if weeks else ''} – {pub.week}")
    ax.set_ylabel(bilingual("count"))
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", rotation=30)
    ax.legend(fontsize=8)
    return fig


def breakdown_figure(table: PublishedTable, labels: Sequence[str], week: str = "") -> Figure:
    """Bars per category for flagged/confirmed per label; hidden cells are labelled, not drawn."""
    setup_fonts()
    metrics = [m for lb in labels for m in (f"flagged_{lb}", f"confirmed_{lb}") if m in table.columns]
    cats = [category_name(table.dimension, r[0]) for r in table.rows]
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.45 * len(cats) + 1.5)), layout="constrained")
    height = 0.8 / max(1, len(metrics))
    for k, metric in enumerate(metrics):
        j = table.columns.index(metric) + 1
        vals = [_num(r[j]) for r in table.rows]
        ys = [i + k * height for i in range(len(cats))]
        bars = ax.barh(ys, [0 if math.isnan(v) else v for v in vals], height=height, label=bilingual(metric))
        for y, r in zip(ys, table.rows, strict=True):
            if not r[j].isdigit():
                ax.text(0, y, f" {r[j]}", va="center", fontsize=7, color=bars.patches[0].get_facecolor())
    ax.set_yticks([i + height * (len(metrics) - 1) / 2 for i in range(len(cats))], cats)
    ax.invert_yaxis()
    ax.set_title(f"{bilingual(table.dimension)} — {bilingual('week')} {week}".rstrip(" —"))
    ax.legend(fontsize=7)
    return fig


def write_charts(pub: PublishedWeek, out: Path) -> list[Path]:
    """``trend.png`` and one bar chart per breakdown."""
    paths = []
    fig = trend_figure(pub)
    fig.savefig(out / "trend.png", dpi=120)
    plt.close(fig)
    paths.append(out / "trend.png")
    for table in pub.tables:
        fig = breakdown_figure(table, pub.labels, pub.week)
        path = out / f"{table.name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _two_lines(key: str) -> str:
    return f"{english(key)}\n{khmer(key)}"


def _text_table(ax: Any, keys: list[str], rows: list[list[str]], font: float = 8, first: float = 0.34,
                row_scale: float = 1.6) -> None:
    """A matplotlib table: first column wider (names), headers in Khmer over English, wrapped."""
    ax.axis("off")
    header = [f"{khmer(k)}\n{english(k)}".replace("៖ ", "៖\n").replace(": ", ":\n") for k in keys]
    rest = (1 - first) / max(1, len(keys) - 1)
    tbl = ax.table(cellText=rows or [["—"] * len(keys)], colLabels=header, loc="upper left", cellLoc="left",
                   colWidths=[first, *([rest] * (len(keys) - 1))])
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(font)
    tbl.scale(1, row_scale)
    for (r, _c), cell in tbl.get_celld().items():
        if r == 0:
            cell.set_height(cell.get_height() * 2.4 * 1.6 / row_scale)


def write_pdf(pub: PublishedWeek, out: Path) -> Path:
    """A two-page A4 summary in Khmer and English: key figures, turnaround, trend, provinces."""
    setup_fonts()
    path = out / f"chhmam-{pub.week}.pdf"
    with PdfPages(path, metadata={"Title": f"Chhmam weekly report {pub.week}", "Creator": "Chhmam"}) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.06, 0.955, names("title")[1], fontsize=11)
        fig.text(0.06, 0.93, names("title")[0], fontsize=11)
        fig.text(0.06, 0.905, f"{bilingual('week')}: {pub.week}   ({pub.start_utc[:16]} – {pub.end_utc[:16]} UTC)",
                 fontsize=9)
        ax = fig.add_axes((0.06, 0.55, 0.88, 0.33))
        keys, rows = summary_rows(pub)
        _text_table(ax, keys, [[_two_lines(r["metric"]), *row[1:]] for r, row in zip(pub.summary, rows, strict=True)],
                    font=7.5, row_scale=2.2)
        ax2 = fig.add_axes((0.06, 0.36, 0.88, 0.15))
        keys, rows = all_sheets(pub)["turnaround"]
        rows = [[_two_lines(t[0]), *row[1:]] for t, row in zip(pub.turnaround, rows, strict=True)]
        _text_table(ax2, keys, rows, font=7.5, row_scale=2.2)
        fig.text(0.06, 0.08, names("suppressed_note")[1], fontsize=7)
        fig.text(0.06, 0.06, names("suppressed_note")[0], fontsize=7)
        pdf.savefig(fig)
        plt.close(fig)

        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.06, 0.955, f"{bilingual('week')}: {pub.week}", fontsize=10)
        tfig = trend_figure(pub)
        tfig.savefig(out / ".trend-for-pdf.png", dpi=150)
        plt.close(tfig)
        img = plt.imread(out / ".trend-for-pdf.png")
        (out / ".trend-for-pdf.png").unlink()
        axi = fig.add_axes((0.04, 0.58, 0.92, 0.36))
        axi.imshow(img)
        axi.axis("off")
        province = next((t for t in pub.tables if t.dimension == "province"), None)
        if province is not None:
            keys, rows = table_rows(province)
            cols = [0, *(keys.index(m) for m in keys if m.startswith(("flagged_", "confirmed_")))]
            ax3 = fig.add_axes((0.06, 0.06, 0.88, 0.48))
            _text_table(ax3, [keys[c] for c in cols], [[r[c] for c in cols] for r in rows[:22]], font=6.5, first=0.2)
        pdf.savefig(fig)
        plt.close(fig)
    return path


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(pub: PublishedWeek, out: Path, files: Sequence[Path]) -> Path:
    """``manifest.json``: week, time window, the suppression rule, and SHA-256 and size of every file."""
    manifest = {
        "week": pub.week, "start_utc": pub.start_utc, "end_utc": pub.end_utc, "timezone": "Asia/Phnom_Penh",
        "generated_at": pub.generated_at,
        "suppression": {"primary": f"counts 1-4 printed as {PRIMARY!r}",
                        "secondary": "'x': hidden so that no published total reveals a '<5' cell"},
        "files": [{"name": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)} for p in sorted(files)],
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_export(pub: PublishedWeek, root: Path) -> Path:
    """Write every format to ``root/<week>/`` (replacing an earlier export of the week); returns it."""
    out = root / pub.week
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    files = [*write_csvs(pub, out), write_xlsx(pub, out), *write_charts(pub, out), write_pdf(pub, out)]
    write_manifest(pub, out, files)
    return out
