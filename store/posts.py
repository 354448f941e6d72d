"""Posts, quarantine and source cursors: what the feeds stage persists.

A batch of posts and its source's new cursor are written in one transaction by the caller's
``session_scope``, so a cursor never advances past records that were not committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from store.schema import Post, Quarantine, QueueItem, Score, Source, utcnow
from store.upsert import insert_ignore

QUARANTINE_RAW_LIMIT = 4000

POSTS = cast(Table, Post.__table__)


def insert_posts(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert new posts; a (source, external_id) already stored is skipped. Returns how many were new."""
    chunk = 500  # keeps each statement under SQLite's bound-parameter limit
    inserted = 0
    for start in range(0, len(rows), chunk):
        ids = insert_ignore(session, POSTS, rows[start:start + chunk], ["source", "external_id"], returning="id")
        inserted += len(ids)
    return inserted


def quarantine(session: Session, source: str, items: Iterable[tuple[str, str]]) -> int:
    """Store (raw payload, reason) pairs that failed parsing or validation; raw is truncated."""
    objs = [Quarantine(source=source, raw=raw[:QUARANTINE_RAW_LIMIT], reason=reason[:2000])
            for raw, reason in items]
    session.add_all(objs)
    return len(objs)


def list_quarantine(session: Session, source: str | None = None, limit: int = 100) -> list[Quarantine]:
    """Most recent quarantined records first."""
    stmt = select(Quarantine).order_by(Quarantine.id.desc()).limit(limit)
    if source:
        stmt = stmt.where(Quarantine.source == source)
    return list(session.scalars(stmt))


def get_cursor(session: Session, source: str) -> str | None:
    """The stored cursor of ``source`` (None before its first committed batch)."""
    row = session.get(Source, source)
    return row.cursor if row else None


def set_cursor(session: Session, source: str, kind: str, cursor: str | None) -> None:
    """Record where ``source`` was read up to; call inside the batch's own transaction."""
    row = session.get(Source, source)
    if row is None:
        session.add(Source(name=source, kind=kind, cursor=cursor, updated_at=utcnow()))
    else:
        row.cursor = cursor
        row.updated_at = utcnow()


def store_batch(session: Session, source: str, kind: str, rows: Sequence[dict[str, Any]],
                rejects: Iterable[tuple[str, str]], cursor: str | None) -> tuple[int, int]:
    """Posts, quarantined rejects and the source's new cursor, all in the caller's one transaction.

    Returns (new posts, quarantined). ``cursor`` None leaves the stored cursor where it was. The
    caller commits once for all three, so after a crash either all of them are there or none is.
    """
    new = insert_posts(session, rows)
    bad = quarantine(session, source, rejects)
    if cursor is not None:
        set_cursor(session, source, kind, cursor)
    return new, bad


def post_ids(session: Session, source: str) -> list[str]:
    """External ids stored for ``source`` (tests and audits compare them with the feed)."""
    return list(session.scalars(select(Post.external_id).where(Post.source == source)))


def posts_to_score(session: Session, model_version: str, limit: int = 5000,
                   after_id: int = 0, max_id: int | None = None) -> list[Post]:
    """Posts with no score yet from ``model_version``, oldest first (``after_id`` < id ≤ ``max_id``)."""
    scored = select(Score.post_id).where(Score.model_version == model_version)
    stmt = (select(Post).where(Post.id > after_id, Post.id.not_in(scored))
            .order_by(Post.id).limit(limit))
    if max_id is not None:
        stmt = stmt.where(Post.id <= max_id)
    return list(session.scalars(stmt))


def ids_to_score(session: Session, model_version: str) -> list[int]:
    """Ids of posts with no score from ``model_version`` (to cut the work into id ranges)."""
    scored = select(Score.post_id).where(Score.model_version == model_version)
    return [int(i) for i in session.scalars(select(Post.id).where(Post.id.not_in(scored)).order_by(Post.id))]


def flagged_unqueued(session: Session, model_version: str,
                     limit: int = 5000) -> list[tuple[int, dict[str, float], list[str]]]:
    """(post id, every label's probability, flagged labels) for flagged posts not in the queue yet."""
    flagged_ids = (select(Score.post_id).where(Score.model_version == model_version, Score.flagged.is_(True),
                                               Score.post_id.not_in(select(QueueItem.post_id)))
                   .distinct().order_by(Score.post_id).limit(limit))
    ids = [int(i) for i in session.scalars(flagged_ids)]
    if not ids:
        return []
    out: dict[int, tuple[dict[str, float], list[str]]] = {i: ({}, []) for i in ids}
    for pid, label, prob, flagged in session.execute(
            select(Score.post_id, Score.label, Score.probability, Score.flagged)
            .where(Score.model_version == model_version, Score.post_id.in_(ids))):
        out[pid][0][label] = float(prob)
        if flagged:
            out[pid][1].append(label)
    return [(pid, scores, sorted(labels)) for pid, (scores, labels) in out.items()]


def set_post_language(session: Session, langs: dict[int, str]) -> None:
    """Store the detected language of each post id."""
    for post_id, lang in langs.items():
        post = session.get(Post, post_id)
        if post is not None:
            post.lang = lang


def count_posts(session: Session, since: datetime | None = None) -> int:
    """Number of stored posts (ingested at or after ``since``)."""
    stmt = select(func.count(Post.id))
    if since is not None:
        stmt = stmt.where(Post.ingested_at >= since)
    return int(session.scalar(stmt) or 0)


def count_quarantine(session: Session, source: str | None = None) -> int:
    """Number of quarantined records (of one source)."""
    stmt = select(func.count(Quarantine.id))
    if source:
        stmt = stmt.where(Quarantine.source == source)
    return int(session.scalar(stmt) or 0)
