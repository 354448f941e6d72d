"""A seeded database with known weekly counts, shared by the export, flow and notebook tests.

Week 2026-W47 in Asia/Phnom_Penh runs from 2026-11-15 17:00 UTC to 2026-11-22 17:00 UTC.
Groups of posts (all counts below are what the export must print, worked out by hand in
``tests/reports/test_export.py``):

* A: 12 Khmer Facebook posts from ``ngo_a`` in Phnom Penh; 11 flagged grooming; 6 confirmed, 5 dismissed
  (plus one undone dismissal that must not count).
* B: 3 English Telegram posts from ``ngo_b``, location hint "Siem Reap"; 2 flagged and confirmed trafficking.
* C: 7 mixed-language Facebook posts from ``ngo_a`` with a free-text location hint (not a province);
  6 flagged (5 grooming, 1 both); confirmed 1 both + 3 grooming, 1 dismissed, 1 referred.
* Week 46: 11 posts (one of them one second before the week boundary), 9 flagged grooming, 7 confirmed,
  2 dismissed. One post exactly at the W48 boundary belongs to W48.

Every post's text carries a phone number, a handle and a URL, so that the leak scan has
something to find if anything leaked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from store.db import session_scope
from store.schema import Decision, Post, QueueItem, Score

W47_START = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
W47_END = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
W46_START = W47_START - timedelta(days=7)

SECRETS: list[str] = []  # every identifying string written to the database, for the leak scan


def _post(
    session: Session,
    n: int,
    at: datetime,
    lang: str,
    platform: str,
    source: str,
    province: str | None,
    hint: str | None,
) -> Post:
    phone = f"+855 12 {n:03d} {700 + n:03d}"
    handle = f"@kid_handle_{n:04d}"
    url = f"https://t.me/chan_{n:04d}/post{n}"
    text = f"secret post number {n:04d} text: message {handle} on {phone} or see {url}"
    author = f"{n:064x}"
    SECRETS.extend([phone, handle, url, text, author, f"ext-{n:05d}"])
    post = Post(
        source=source,
        external_id=f"ext-{n:05d}",
        content_hash=f"{n:064x}",
        text=text,
        author_hash=author,
        created_at=at,
        ingested_at=at,
        url=url,
        platform=platform,
        location_hint=hint,
        lang=lang,
        province=province,
        extras={},
    )
    session.add(post)
    session.flush()
    return post


def _flag(
    session: Session, post: Post, labels: list[str], at: datetime, indicators: dict[str, Any] | None = None
) -> QueueItem:
    item = QueueItem(
        post_id=post.id,
        labels=labels,
        max_probability=0.9,
        priority=0.9,
        model_version="baseline-test",
        status="open",
        enqueued_at=at,
    )
    session.add(item)
    session.flush()
    for lb in ("grooming", "trafficking_ad"):
        session.add(
            Score(
                post_id=post.id,
                label=lb,
                model_version="baseline-test",
                probability=0.9 if lb in labels else 0.01,
                threshold=0.5,
                flagged=lb in labels,
                indicators=indicators or {},
                scored_at=at,
            )
        )
    return item


def _decide(
    session: Session, item: QueueItem, action: str, at: datetime, labels: list[str] | None = None, undone: bool = False
) -> None:
    session.add(
        Decision(
            queue_item_id=item.id,
            post_id=item.post_id,
            action=action,
            labels=labels or [],
            note=f"note mentioning {SECRETS[0]}",
            created_at=at,
            undone_at=at + timedelta(minutes=5) if undone else None,
        )
    )
    item.status = "decided"


def seed(session: Session) -> None:
    """Insert the posts, queue items, scores and decisions described in the module docstring."""
    n = 0
    t0 = W47_START

    def nxt() -> int:
        nonlocal n
        n += 1
        return n

    # group A
    a_posts = [
        _post(session, nxt(), t0 + timedelta(hours=i), "km", "facebook", "ngo_a", "Phnom Penh", None) for i in range(12)
    ]
    a_items = []
    for i, p in enumerate(a_posts[:11]):
        ind: dict[str, Any] = (
            {"secrecy": True, "gift": 0.0}
            if i < 6
            else ({"categories": ["move_private", "Free text here!"]} if i < 9 else {})
        )
        a_items.append(_flag(session, p, ["grooming"], p.ingested_at + timedelta(hours=1), ind))
    for item, h in zip(a_items[:6], (2, 4, 6, 8, 10, 12), strict=True):
        if h == 4:
            _decide(session, item, "dismiss", item.enqueued_at + timedelta(minutes=30), undone=True)
        _decide(session, item, "confirm", item.enqueued_at + timedelta(hours=h), ["grooming"])
    for item in a_items[6:11]:
        _decide(session, item, "dismiss", item.enqueued_at + timedelta(hours=1))
    # group B
    b_posts = [
        _post(session, nxt(), t0 + timedelta(hours=20 + i), "en", "telegram", "ngo_b", None, "Siem Reap")
        for i in range(3)
    ]
    for p in b_posts[:2]:
        item = _flag(session, p, ["trafficking_ad"], p.ingested_at + timedelta(hours=1))
        _decide(session, item, "confirm", item.enqueued_at + timedelta(hours=3), ["trafficking_ad"])
    # group C
    c_posts = [
        _post(
            session,
            nxt(),
            t0 + timedelta(hours=30 + i),
            "mixed",
            "facebook",
            "ngo_a",
            None,
            "near the market @kid_handle_9999",
        )
        for i in range(7)
    ]
    c_items = [
        _flag(
            session, p, ["grooming", "trafficking_ad"] if i == 0 else ["grooming"], p.ingested_at + timedelta(hours=1)
        )
        for i, p in enumerate(c_posts[:6])
    ]
    _decide(session, c_items[0], "confirm", c_items[0].enqueued_at + timedelta(hours=5), ["grooming", "trafficking_ad"])
    for item in c_items[1:4]:
        _decide(session, item, "confirm", item.enqueued_at + timedelta(hours=7), ["grooming"])
    _decide(session, c_items[4], "dismiss", c_items[4].enqueued_at + timedelta(hours=20))
    _decide(session, c_items[5], "refer", c_items[5].enqueued_at + timedelta(hours=30))
    SECRETS.append("near the market @kid_handle_9999")
    # week 46 (and the two boundary posts)
    w46 = [
        _post(session, nxt(), W46_START + timedelta(hours=3 * i), "km", "facebook", "ngo_a", "Phnom Penh", None)
        for i in range(10)
    ]
    w46.append(_post(session, nxt(), W47_START - timedelta(seconds=1), "km", "facebook", "ngo_a", "Phnom Penh", None))
    _post(session, nxt(), W47_END, "en", "telegram", "ngo_b", None, None)
    w46_items = [_flag(session, p, ["grooming"], p.ingested_at + timedelta(minutes=10)) for p in w46[:9]]
    for item in w46_items[:7]:
        _decide(session, item, "confirm", item.enqueued_at + timedelta(hours=1), ["grooming"])
    for item in w46_items[7:9]:
        _decide(session, item, "dismiss", item.enqueued_at + timedelta(hours=1))


def seed_url(url: str) -> None:
    """Seed the (migrated, empty) database at ``url``."""
    from store.db import get_engine

    with session_scope(get_engine(url)) as session:
        seed(session)
