"""The store on SQLite and PostgreSQL: migrations, idempotent inserts, cursors with batches."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from feeds.base import Batch
from feeds.records import PostRecord, author_hash
from store.db import session_scope
from store.posts import get_cursor, insert_posts, set_cursor
from store.schema import Post


def _row(i: int) -> dict[str, object]:
    return {
        "source": "s",
        "external_id": str(i),
        "content_hash": f"h{i}",
        "text": f"t{i}",
        "ingested_at": datetime.now(UTC),
        "extras": {},
    }


def test_insert_is_idempotent(db_url: str) -> None:
    with session_scope() as s:
        assert insert_posts(s, [_row(i) for i in range(1200)]) == 1200
    with session_scope() as s:
        assert insert_posts(s, [_row(i) for i in range(1100, 1300)]) == 100
        assert s.scalar(select(func.count(Post.id))) == 1300


def test_cursor_rolls_back_with_its_batch(db_url: str) -> None:
    try:
        with session_scope() as s:
            insert_posts(s, [_row(1)])
            set_cursor(s, "s", "dropfolder", "file-1")
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    with session_scope() as s:
        assert get_cursor(s, "s") is None
        assert s.scalar(select(func.count(Post.id))) == 0


def test_author_is_hashed_not_stored() -> None:
    rec = PostRecord(source="s", external_id="1", text="hi", author="@someone")
    h = author_hash(rec.author, "k")
    assert h and "someone" not in h and h == author_hash("@SomeOne ", "k")
    assert Batch().records == []
