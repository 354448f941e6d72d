"""What a ministry analyst needs beyond counts: queue at week end, live precision, feed health, changes.

The seeded database of ``tests/support/reports_seed.py`` plus: items still waiting, escalated or with a
referral pending at the end of 2026-W47 (some decided or undone only after the week ended, which must
not count yet), and two partner feeds over six weeks, one of which goes silent in W47.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from reports.weekly import build_week
from reports.weeks import IsoWeek
from store.db import get_engine, session_scope
from store.schema import Decision, Post, QueueItem
from tests.support.reports_seed import W47_END, W47_START, seed_url

WEEK = "2026-W47"


def _item(session: object, n: int, at: object) -> QueueItem:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    post = Post(
        source="ngo_q",
        external_id=f"q{n}",
        content_hash=f"q{n:063x}",
        text="seeded",
        ingested_at=at,
        platform="facebook",
        lang="km",
        extras={},
    )
    session.add(post)
    session.flush()
    item = QueueItem(
        post_id=post.id,
        labels=["grooming"],
        max_probability=0.9,
        priority=0.9,
        model_version="baseline-test",
        enqueued_at=at,
    )
    session.add(item)
    session.flush()
    return item


def _seed_queue_and_feeds(url: str) -> None:
    with session_scope(get_engine(url)) as session:
        at = W47_START + timedelta(days=2)
        for n in range(6):  # waiting at week end (two are decided only after it)
            item = _item(session, n, at)
            if n < 2:
                session.add(
                    Decision(
                        queue_item_id=item.id,
                        post_id=item.post_id,
                        action="confirm",
                        labels=["grooming"],
                        created_at=W47_END + timedelta(hours=1),
                    )
                )
        for n in range(6, 12):  # escalated; one undone only after the week ended: still escalated then
            item = _item(session, n, at)
            session.add(
                Decision(
                    queue_item_id=item.id,
                    post_id=item.post_id,
                    action="escalate",
                    labels=[],
                    created_at=at + timedelta(hours=1),
                    undone_at=W47_END + timedelta(hours=2) if n == 6 else None,
                )
            )
        for n in range(12, 14):  # referral waiting for a second reviewer
            item = _item(session, n, at)
            session.add(
                Decision(
                    queue_item_id=item.id,
                    post_id=item.post_id,
                    action="refer_request",
                    labels=["grooming"],
                    created_at=at + timedelta(hours=1),
                )
            )
        for weeks_back in range(1, 6):  # two partners: steady, and one that is silent in W47
            start = W47_START - timedelta(weeks=weeks_back)
            for source, n_posts in (("ngo_steady", 30), ("ngo_silent", 40)):
                for i in range(n_posts):
                    session.add(
                        Post(
                            source=source,
                            external_id=f"{source}{weeks_back}-{i}",
                            content_hash=f"{source}{weeks_back}{i:040d}",
                            text="seeded",
                            ingested_at=start + timedelta(hours=i),
                            platform="telegram",
                            lang="en",
                            extras={},
                        )
                    )
        for i in range(28):
            session.add(
                Post(
                    source="ngo_steady",
                    external_id=f"steady-now-{i}",
                    content_hash=f"sn{i:060d}",
                    text="seeded",
                    ingested_at=W47_START + timedelta(hours=i),
                    platform="telegram",
                    lang="en",
                    extras={},
                )
            )


@pytest.fixture
def content_db(sqlite_url: str) -> str:
    seed_url(sqlite_url)
    _seed_queue_and_feeds(sqlite_url)
    return sqlite_url


def test_queue_precision_feeds_and_changes(content_db: str, tmp_path: Path) -> None:
    with session_scope(get_engine(content_db)) as session:
        _, pub = build_week(session, IsoWeek.parse(WEEK))
    assert dict(pub.queue_state) == {"backlog": "6", "escalated": "6", "referral_pending": "<5"}
    precision = {(r[0], r[1]): r[2:] for r in pub.precision}
    assert precision[("grooming", "km")] == ["55%", ">=10"]  # 6 confirmed, 5 dismissed
    assert precision[("grooming", "mixed")] == ["x", "<10"]  # 4 confirmed, 1 dismissed: too few
    assert precision[("trafficking_ad", "en")] == ["x", "<10"]
    feeds = {r[0]: r[1:] for r in pub.feeds}
    assert feeds["ngo_silent"] == ["0", "~40", "outage"]
    assert feeds["ngo_steady"] == ["28", "~30", "ok"]
    assert feeds["ngo_b"][2] == "new"
    changes = {(r[0], r[1], r[2]): r[3:] for r in pub.changes}
    assert changes[("language", "km", "flagged_grooming")][:4] == ["25", "9", "+16", "+178%"]  # 11 + 14 queued
    assert changes[("province", "Siem Reap", "confirmed_trafficking_ad")][:2] == ["<5", "0"]

    from reports.export import write_pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing (make system-deps)")
    pdf = write_pdf(pub, tmp_path)
    first = subprocess.run(
        ["pdftotext", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "a partner feed was out this week" in first and "ngo_silent" in first
    assert "waiting for review (backlog): 6" in first


def test_a_quiet_partner_is_not_a_safer_week(sqlite_url: str) -> None:
    """An empty week after normal ones: every partner is named as an outage, not reported as '+0'."""
    seed_url(sqlite_url)
    with session_scope(get_engine(sqlite_url)) as session:
        _, pub = build_week(session, IsoWeek.parse("2026-W48").shift(0))
    # W48 has the one boundary post from ngo_b; ngo_a (usually 11-22 a week) sent nothing
    assert {r[0]: r[3] for r in pub.feeds}["ngo_a"] == "outage"
