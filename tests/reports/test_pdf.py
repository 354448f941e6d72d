"""The PDF holds every row, exports are byte-reproducible, and the charts say what is hidden.

A week with posts in all 25 provinces (and ``unknown``) is added to the seeded database of
``tests/support/reports_seed.py``; ``pdftotext`` must find every province and the total row, also when
the table runs over several pages. Two exports of the same database give byte-identical files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from matplotlib import pyplot as plt

from reports.gazetteer import load
from reports.weekly import PublishedTable, build_week
from reports.weeks import IsoWeek
from store.db import get_engine, session_scope
from store.schema import Post, QueueItem, Score
from tests.support.reports_seed import seed_url

WEEK = "2026-W47"


def _all_provinces(url: str) -> None:
    """Eight posts per province in W47 (Khmer official name in ``province``), three flagged."""
    start, _ = IsoWeek.parse(WEEK).bounds()
    with session_scope(get_engine(url)) as session:
        n = 0
        for p in load().provinces:
            for i in range(8):
                n += 1
                at = start + timedelta(hours=40 + n % 100)
                post = Post(
                    source="ngo_c",
                    external_id=f"prov{n}",
                    content_hash=f"p{n:063x}",
                    text="seeded",
                    ingested_at=at,
                    platform="tiktok",
                    lang="km",
                    province=p.km,
                    extras={},
                )
                session.add(post)
                session.flush()
                if i < 3:
                    session.add(
                        QueueItem(
                            post_id=post.id,
                            labels=["grooming"],
                            max_probability=0.9,
                            priority=0.9,
                            model_version="baseline-test",
                            enqueued_at=at + timedelta(minutes=5),
                        )
                    )
                    session.add(
                        Score(
                            post_id=post.id,
                            label="grooming",
                            model_version="transformer-new",
                            probability=0.9,
                            threshold=0.5,
                            flagged=True,
                            indicators={},
                            scored_at=at + timedelta(minutes=1),
                        )
                    )


@pytest.fixture
def full_week(sqlite_url: str) -> str:
    seed_url(sqlite_url)
    _all_provinces(sqlite_url)
    return sqlite_url


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing (make system-deps)")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("rows_per_page", [30, 8])
def test_pdf_holds_every_province_and_the_total(full_week: str, tmp_path: Path, rows_per_page: int) -> None:
    from reports.export import write_pdf

    with session_scope(get_engine(full_week)) as session:
        _, pub = build_week(session, IsoWeek.parse(WEEK))
    province = next(t for t in pub.tables if t.dimension == "province")
    assert len(province.rows) == 26  # 25 provinces and unknown
    text = _pdf_text(write_pdf(pub, tmp_path, rows_per_page=rows_per_page))
    for p in load().provinces:
        assert f"{p.name} /" in text, p.name
    assert text.count("total /") >= 4  # province, language, platform, source tables each end with it
    if rows_per_page == 8:
        assert re.search(r"page / \S+ 4/4", text)  # 27 rows over four pages
    assert "16–22 Nov 2026, Phnom Penh time" in text
    for symbol in (
        "<5: a count from 1 to 4",
        "x: a count of 5 or more",
        "-: the whole measure",
        "empty change:",
        "hatched bars and hollow markers",
    ):
        assert symbol in text, symbol
    assert "baseline-test" in text and "transformer-new" in text and "the served model changed" in text


def test_two_exports_of_the_same_database_are_byte_identical(full_week: str, tmp_path: Path) -> None:
    import json

    from flows.weekly_export import weekly_export_flow

    weekly_export_flow(WEEK, str(tmp_path / "a"))
    time.sleep(2.1)  # zip timestamps have a 2-second resolution: a clock-stamped file would differ
    weekly_export_flow(WEEK, str(tmp_path / "b"))
    a, b = tmp_path / "a" / WEEK, tmp_path / "b" / WEEK
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and len(names) > 10
    differing = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    assert not differing
    manifest = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    assert [m["version"] for m in manifest["model_versions"]] == ["baseline-test", "transformer-new"]
    assert manifest["code_commit"] and manifest["as_of"] == "2026-11-22T17:00:00+00:00"
    assert "<5" in manifest["suppression"]["primary"] and "'x'" in manifest["suppression"]["secondary"]


def test_hidden_bars_are_hatched_and_labelled_not_zero_length() -> None:
    from matplotlib.patches import Rectangle

    from reports.export import FONT_MIN, breakdown_figure

    table = PublishedTable(
        name="by_platform",
        dimension="platform",
        columns=("ingested", "flagged_grooming", "confirmed_grooming"),
        rows=[["facebook", "40", "17", "x"], ["telegram", "12", "<5", "<5"]],
        total=["total", "52", "x", "x"],
    )
    fig = breakdown_figure(table, ["grooming"], WEEK)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    hatched = [p for p in bars if p.get_hatch()]
    assert sorted(p.get_width() for p in hatched) == [4, 4, 5]  # two '<5' drawn to 4, one 'x' to 5
    assert not [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() == 0]
    texts = {t.get_text() for t in ax.texts}
    assert {"<5", "x"} <= texts
    legend = ax.get_legend()
    assert legend is not None
    assert any("hidden" in t.get_text() for t in legend.get_texts())
    assert all(float(t.get_fontsize()) >= FONT_MIN for t in [*legend.get_texts(), *ax.get_yticklabels()])
    plt.close(fig)


def test_empty_week_axes_start_at_zero_with_whole_counts(sqlite_url: str) -> None:
    from reports.export import trend_figure

    with session_scope(get_engine(sqlite_url)) as session:
        _, pub = build_week(session, IsoWeek.parse("2026-W01"))
    fig = trend_figure(pub)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert lo == 0 and hi >= 5
    assert all(float(t).is_integer() and t >= 0 for t in ax.get_yticks())
    plt.close(fig)
