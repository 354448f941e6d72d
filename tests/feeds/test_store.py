"""A stored batch round-trips field by field on both databases, duplicates included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from feeds.base import Batch, Reject
from feeds.records import PostRecord, author_hash
from flows.pipeline import store_batch
from store.db import session_scope
from store.posts import get_cursor
from store.schema import Post, Quarantine
from store.settings import get_settings

PP = timezone(timedelta(hours=7))


def test_batch_round_trip(db_url: str) -> None:
    rec = PostRecord(
        source="s",
        external_id="k-1",
        text="ការងារនៅថៃ\tjob 'quoted' \\ back\nline",
        author="@Dara",
        created_at=datetime(2026, 11, 20, 8, 30, tzinfo=PP),
        url="https://x.org/1",
        platform="telegram",
        location_hint="Siem Reap",
        lang_hint="km",
        extras={"likes": 3, "tags": ["ក", "b"], "nested": {"a": None}},
    )
    other = rec.model_copy(update={"external_id": "k-2", "text": "second"})
    batch = Batch(records=[rec, other, rec], rejects=[Reject("{bad", "invalid JSON")], cursor="f@3")
    assert store_batch("s", "dropfolder", batch)[:3] == (2, 1, 0)
    assert store_batch("s", "dropfolder", batch)[:3] == (0, 0, 0)  # records and rejects idempotent
    with session_scope() as s:
        rows = list(s.scalars(select(Post).order_by(Post.id)))
        assert [r.external_id for r in rows] == ["k-1", "k-2"]  # feed order kept
        p = rows[0]
        assert p.text == rec.text and p.url == rec.url and p.platform == "telegram"
        assert p.created_at is not None  # SQLite gives it back naive, in UTC
        assert p.created_at.replace(tzinfo=p.created_at.tzinfo or UTC) == rec.created_at
        assert p.extras == rec.extras and p.lang_hint == "km" and p.location_hint == "Siem Reap"
        assert p.author_hash == author_hash("@Dara", get_settings().author_hmac_key)
        assert "Dara" not in str(p.author_hash)
        assert len(p.content_hash) == 64 and p.ingested_at is not None
        assert get_cursor(s, "s") == "f@3"
        assert s.scalar(select(Quarantine.reason)) == "invalid JSON"
