"""The weekly export on a seeded database: every published number, every file, no leaks, Khmer in the PDF.

The expected tables were worked out by hand from ``tests/support/reports_seed.py`` (see its docstring),
including the suppression: e.g. "confirmed: grooming" by language is 0 / 6 / 4 with total 10; the 4
is printed "<5" and, because 10 - 0 - 6 would give it away, the 6 is hidden as "x"; with the total
printed, that "x" would be 6..9 (fewer than five values), so the total is hidden too, and with it
the cells that would let a reader recompute it (facebook 10, ngo_a 10, Phnom Penh 6). "Ingested" by
language is 3 / 12 / 7 (total 22): hiding the 7 alone leaves it 22 - 12 - 4 .. 22 - 12 - 1 = 6..9, so the 12
and the total go as well. "Dismissed" is 0 / 5 / 1 (total 6): the total is withheld everywhere and
the cells that would let a reader recompute it (facebook 6, ngo_a 6, Phnom Penh 5) are hidden too.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reports.weekly import build_week
from reports.weeks import IsoWeek
from store.db import get_engine, session_scope
from store.settings import get_settings
from tests.support.paths import ROOT
from tests.support.reports_seed import SECRETS, seed_url

ARTIFACTS = ROOT / "test-artifacts"
WEEK = "2026-W47"
METRICS = (
    "ingested",
    "flagged_grooming",
    "flagged_trafficking_ad",
    "confirmed_grooming",
    "confirmed_trafficking_ad",
    "dismissed",
    "referred",
)

EXPECTED_SUMMARY = {  # metric: (this week, previous week, change, change %)
    "ingested": ("x", "11", "x", "x"),
    "flagged_grooming": ("17", "9", "+8", "+89%"),
    "flagged_trafficking_ad": ("<5", "0", "x", "x"),
    "confirmed_grooming": ("x", "7", "x", "x"),
    "confirmed_trafficking_ad": ("<5", "0", "x", "x"),
    "dismissed": ("x", "<5", "x", "x"),
    "referred": ("<5", "0", "x", "x"),
}
EXPECTED_TABLES = {  # columns in METRICS order; the last row is the total
    "by_language": [
        ["en", "<5", "0", "<5", "0", "<5", "0", "0"],
        ["km", "x", "11", "0", "x", "0", "x", "0"],
        ["mixed", "x", "6", "<5", "<5", "<5", "<5", "<5"],
        ["total", "x", "17", "<5", "x", "<5", "x", "<5"],
    ],
    "by_platform": [
        ["facebook", "x", "17", "<5", "x", "<5", "x", "<5"],
        ["telegram", "<5", "0", "<5", "0", "<5", "0", "0"],
        ["total", "x", "17", "<5", "x", "<5", "x", "<5"],
    ],
    "by_source": [
        ["ngo_a", "x", "17", "<5", "x", "<5", "x", "<5"],
        ["ngo_b", "<5", "0", "<5", "0", "<5", "0", "0"],
        ["total", "x", "17", "<5", "x", "<5", "x", "<5"],
    ],
    "by_province": [
        ["Phnom Penh", "x", "11", "0", "x", "0", "x", "0"],
        ["Siem Reap", "<5", "0", "<5", "0", "<5", "0", "0"],
        ["unknown", "x", "6", "<5", "<5", "<5", "<5", "<5"],
        ["total", "x", "17", "<5", "x", "<5", "x", "<5"],
    ],
}
EXPECTED_EXACT = {
    "ingested": 22,
    "flagged_grooming": 17,
    "flagged_trafficking_ad": 3,
    "confirmed_grooming": 10,
    "confirmed_trafficking_ad": 3,
    "dismissed": 6,
    "referred": 1,
}
PHONE = re.compile(r"(\+?855[\s-]?|\b0)\d{1,2}[\s-]?\d{3}[\s-]?\d{3,4}\b")
HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{3,}")
URL = re.compile(r"https?://|www\.|t\.me/", re.IGNORECASE)


@pytest.fixture
def seeded(db_url: str) -> str:
    seed_url(db_url)
    return db_url


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> str:
    seed_url(sqlite_url)
    return sqlite_url


def test_every_published_number_is_exact(seeded: str) -> None:
    with session_scope(get_engine(seeded)) as session:
        counts, pub = build_week(session, IsoWeek.parse(WEEK))
    assert {m: counts.total(m) for m in METRICS} == EXPECTED_EXACT
    assert pub.week == WEEK and pub.start_utc == "2026-11-15T17:00:00+00:00"
    assert {
        r["metric"]: (r["this_week"], r["previous_week"], r["change"], r["change_pct"]) for r in pub.summary
    } == EXPECTED_SUMMARY
    for table in pub.tables:
        assert table.columns == METRICS
        assert [*table.rows, table.total] == EXPECTED_TABLES[table.name], table.name
    assert pub.indicators == [("move_private", "<5"), ("secrecy", "6")]
    assert pub.turnaround == [("all", "5.0", ">=5"), ("grooming", "6.0", ">=5"), ("trafficking_ad", "", "<5")]
    assert [r["week"] for r in pub.trend] == [f"2026-W{w}" for w in range(40, 48)]
    assert pub.trend[-2] == {
        "week": "2026-W46",
        "ingested": "11",
        "flagged_grooming": "9",
        "flagged_trafficking_ad": "0",
        "confirmed_grooming": "7",
        "confirmed_trafficking_ad": "0",
        "dismissed": "<5",
        "referred": "0",
    }
    assert all(v == "0" for r in pub.trend[:-2] for k, v in r.items() if k != "week")


def test_week_boundaries_are_phnom_penh_time() -> None:
    start, end = IsoWeek.parse(WEEK).bounds()
    assert (start.isoformat(), end.isoformat()) == ("2026-11-15T17:00:00+00:00", "2026-11-22T17:00:00+00:00")
    assert str(IsoWeek.parse("2026-W01").shift(-1)) == "2025-W52"
    with pytest.raises(ValueError):
        IsoWeek.parse("2026-47")


def _scan(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} leaks {secret!r}"
    for pattern in (PHONE, HANDLE, URL):
        m = pattern.search(text)
        assert m is None, f"{where} has {pattern.pattern!r}: {m.group(0) if m else ''!r}"


def test_export_flow_writes_every_format_without_leaks(seeded: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from flows.weekly_export import weekly_export_flow

    result = weekly_export_flow(WEEK, str(tmp_path))
    out = tmp_path / WEEK
    from sqlalchemy import select

    from store.schema import AuditLog

    with session_scope(get_engine(seeded)) as session:
        audit = session.execute(select(AuditLog).where(AuditLog.action == "export_written")).scalars().all()
        assert [(a.object_id, a.detail["folder"]) for a in audit] == [(WEEK, str(out))]
    assert Path(str(result["folder"])) == out
    # the free-text hint that names no province is listed for the gazetteer's maintainers (console only)
    assert result["unmatched_locations"] == [("near the market @kid_handle_9999", 7)]
    names = sorted(p.name for p in out.iterdir())
    for expected in (
        "summary.csv",
        "by_language.csv",
        "by_platform.csv",
        "by_source.csv",
        "by_province.csv",
        "indicators.csv",
        "turnaround.csv",
        "trend.csv",
        f"chhmam-{WEEK}.xlsx",
        f"chhmam-{WEEK}.pdf",
        "trend.png",
        "by_province.png",
        "manifest.json",
    ):
        assert expected in names

    # CSV: UTF-8 with BOM, bilingual header, the published numbers
    raw = (out / "by_language.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "language / ភាសា" and rows[0][1] == "posts ingested / ប្រកាសដែលបានប្រមូល"
    assert [r[1:] for r in rows[1:]] == [r[1:] for r in EXPECTED_TABLES["by_language"]]
    assert rows[-1][0] == "total / សរុប"

    # XLSX: one sheet per breakdown, Khmer header row then English header row
    wb = load_workbook(out / f"chhmam-{WEEK}.xlsx")
    assert {"summary", "by_language", "by_platform", "by_source", "by_province", "indicators", "trend"} <= set(
        wb.sheetnames
    )
    ws = wb["by_province"]
    assert ws.cell(1, 1).value == "ខេត្ត" and ws.cell(2, 1).value == "province"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [[str(v) for v in r[1:]] for r in values] == [r[1:] for r in EXPECTED_TABLES["by_province"]]

    # manifest: SHA-256 of every other file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    import hashlib

    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest

    # leak scan: every CSV, every XLSX cell, the PDF's text, the manifest
    for path in out.glob("*.csv"):
        _scan(path.read_text(encoding="utf-8-sig"), path.name)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    _scan(str(cell.value), f"xlsx {ws.title}!{cell.coordinate}")
    _scan((out / "manifest.json").read_text(encoding="utf-8"), "manifest.json")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing (make system-deps)")
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(out / f"chhmam-{WEEK}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    _scan(pdf_text, "PDF")
    assert "2026-W47" in pdf_text and "17" in pdf_text


def test_pdf_embeds_a_khmer_font_and_renders(seeded_sqlite: str, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils missing (make system-deps)")
    from reports.export import write_pdf

    with session_scope(get_engine(seeded_sqlite)) as session:
        _, pub = build_week(session, IsoWeek.parse(WEEK))
    import warnings

    from reports.export import write_charts

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = write_pdf(pub, tmp_path)
        write_charts(pub, tmp_path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]  # every Khmer glyph of the PDF and the PNG charts had a font
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+\d+\s", info)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    khmer = [line for line in fonts.splitlines() if "NotoSansKhmer" in line]
    assert khmer and all(line.split()[-5] == "yes" for line in khmer), fonts  # the "emb" column
    # matplotlib draws glyphs no configured font has from "LastResort" (boxes): there must be none.
    # (pdftotext cannot tell: a box still carries its Khmer code point, so text extraction looks fine.)
    assert "LastResort" not in fonts, fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert sum("\u1780" <= ch <= "\u17ff" for ch in text) > 50  # the Khmer text is there
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "reports-weekly-summary")],
        check=True,
    )
    page = next(ARTIFACTS.glob("reports-weekly-summary*.png"))
    from PIL import Image

    with Image.open(page) as img:
        gray = img.convert("L")
        title = gray.crop((0, 0, gray.width, int(gray.height * 0.06)))  # the Khmer title line
        dark = sum(1 for px in title.getdata() if px < 128)  # type: ignore[attr-defined,misc]
    assert dark > 500, "title line rendered empty"


def test_cli_export_command(seeded_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``chhmam export --week 2026-W47`` through the Typer app (in-process: Prefect's server is already up)."""
    from typer.testing import CliRunner

    from flows.cli import app

    monkeypatch.setenv("CHHMAM_EXPORT_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["export", "--week", WEEK])
    assert result.exit_code == 0, result.output
    assert (tmp_path / WEEK / "manifest.json").exists()
    assert "manifest.json" in result.output
    # the installed console script rejects a malformed week before touching the database
    exe = shutil.which("chhmam") or str(Path(sys.executable).parent / "chhmam")
    env = {**os.environ, "CHHMAM_DATABASE_URL": seeded_sqlite, "CHHMAM_EXPORT_DIR": str(tmp_path / "bad")}
    bad = subprocess.run([exe, "export", "--week", "2026-47"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "ISO week" in bad.stdout + bad.stderr
    assert not (tmp_path / "bad").exists()


def test_leak_scan_has_teeth() -> None:
    for leaked in (SECRETS[0] if SECRETS else "@kid_handle_0001", "+855 12 001 701", "@someone", "https://x.org"):
        with pytest.raises(AssertionError):
            _scan(f"cell {leaked}", "probe")


def test_empty_week_exports_zeros(sqlite_url: str, tmp_path: Path) -> None:
    from reports.export import write_export

    with session_scope(get_engine(sqlite_url)) as session:
        _, pub = build_week(session, IsoWeek.parse("2026-W01"))
    out = write_export(pub, tmp_path)
    assert all(r["this_week"] == "0" for r in pub.summary)
    assert all(t.rows == [] and t.total[1:] == ["0"] * len(METRICS) for t in pub.tables)
    assert (out / "manifest.json").exists() and (out / "chhmam-2026-W01.pdf").stat().st_size > 1000


def test_weekly_export_deployment_runs_monday_0600_phnom_penh_for_the_week_just_ended() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from prefect.schedules import Cron

    from flows.deployments import SCHEDULED_FLOWS
    from flows.weekly_export import default_week, weekly_export_flow

    sf = next(s for s in SCHEDULED_FLOWS if s.target == "flows.weekly_export:weekly_export_flow")
    assert sf.load() is weekly_export_flow
    dep = weekly_export_flow.to_deployment(name=sf.name, schedule=Cron(sf.cron, timezone=sf.timezone))
    schedule = dep.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 6 * * 1", "Asia/Phnom_Penh")
    monday_run = datetime(2026, 11, 23, 6, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    assert str(default_week(monday_run)) == WEEK
