"""The weekly export's case counts: active and new cases per label, suppressed, and no entity value leaves.

Every number is in the unassigned +855 50 range and every handle is ``fake_…``.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cases.linking import LinkConfig, link_pending
from reports.weekly import build_week
from reports.weeks import IsoWeek
from store.db import session_scope
from store.schema import Network, Post, QueueItem, utcnow
from tests.support.review import seed

KEY = "test-key"


def _phone(k: int) -> tuple[str, str]:
    """The k-th case's number as posted and as normalised (E.164)."""
    return f"050 333 {k:03d}", f"+85550333{k:03d}"


def _texts(k: int, n: int) -> list[str]:
    phone, _ = _phone(k)
    return [
        f"Waitress job in Malaysia, visa paid, ask for {phone} or telegram @fake_case_{k} #{k}.{i}" for i in range(n)
    ]


def _seed_cases(sizes: list[int]) -> list[str]:
    """One linked case per size (queued as grooming); returns every entity value the texts carry."""
    values: list[str] = []
    for k, n in enumerate(sizes):
        seed(n, texts=_texts(k, n))
        values += [*_phone(k), _phone(k)[1].lstrip("+"), f"@fake_case_{k}", f"fake_case_{k}"]
    link_pending(config=LinkConfig(KEY))
    return values


def test_active_and_new_cases_per_label_with_suppression(db_url: str) -> None:
    _seed_cases([2, 3, 2, 4, 2, 2])
    week = IsoWeek.of(utcnow())
    with session_scope() as s:
        old = s.scalars(select(Network).order_by(Network.id)).first()
        assert old is not None and s.scalar(select(Network.size).where(Network.id == old.id)) == 2
        old.first_seen = utcnow() - timedelta(days=30)  # one case began a month ago and is still active
        counts, pub = build_week(s, week, trend_weeks=1)
    assert counts.cases == {"all": (6, 5), "grooming": (6, 5), "trafficking_ad": (0, 0)}
    assert pub.cases == [("all", "6", "5"), ("grooming", "6", "5"), ("trafficking_ad", "0", "0")]
    with session_scope() as s:  # two cases gain a trafficking flag: 2 is a small cell, printed "<5"
        for item in s.scalars(
            select(QueueItem)
            .join(Post, Post.id == QueueItem.post_id)
            .where(Post.text.like("%#0.0") | Post.text.like("%#1.0"))
        ):
            item.labels = ["grooming", "trafficking_ad"]
        _, pub = build_week(s, week, trend_weeks=1)
        assert dict((k, (a, n)) for k, a, n in pub.cases)["trafficking_ad"] == ("<5", "<5")
        _, before = build_week(s, week.shift(-5), trend_weeks=1)
    assert before.cases == [("all", "0", "0"), ("grooming", "0", "0"), ("trafficking_ad", "0", "0")]


def test_no_entity_value_leaves_in_any_export_file(sqlite_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from reports.export import write_export

    values = _seed_cases([3, 2, 5, 2, 2])
    with session_scope() as s:
        texts = [t for (t,) in s.execute(select(Post.text))]
        _, pub = build_week(s, IsoWeek.of(utcnow()), trend_weeks=1)
    assert pub.cases[0] == ("all", "5", "5")
    out = write_export(pub, tmp_path)
    assert (out / "cases.csv").exists()
    assert "active cases" in (out / "cases.csv").read_text(encoding="utf-8-sig")
    secrets = values + texts + [t.split(",")[0] for t in texts]
    found: list[tuple[str, str]] = []

    def scan(text: str, where: str) -> None:
        found.extend((v, where) for v in secrets if v in text)

    for path in out.iterdir():
        if path.suffix in (".csv", ".json"):
            scan(path.read_text(encoding="utf-8-sig"), path.name)
    wb = load_workbook(out / f"chhmam-{pub.week}.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            scan(" ".join(str(c.value) for c in row if c.value is not None), ws.title)
    assert "cases" in wb.sheetnames
    if shutil.which("pdftotext") is not None:
        scan(
            subprocess.run(
                ["pdftotext", "-layout", str(next(out.glob("*.pdf"))), "-"], capture_output=True, text=True, check=True
            ).stdout,
            "pdf",
        )
    else:
        pytest.skip("poppler-utils missing (make system-deps)")
    assert found == []
