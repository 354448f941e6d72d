"""Posts, quarantine and source cursors: what the feeds stage persists.

A batch of posts and its source's new cursor are written in one transaction by the caller's
``session_scope``, so a cursor never advances past records that were not committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from store.schema import Post, Quarantine, QueueItem, Score, Source, utcnow

QUARANTINE_RAW_LIMIT = 4000

POSTS = cast(Table, Post.__table__)


_COLS = [c.name for c in POSTS.columns if c.name != "id"]


def _full_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    now = utcnow()
    full = []
    for r in rows:
        f = {c: r.get(c) for c in _COLS}
        f["extras"] = r.get("extras") or {}
        f["ingested_at"] = r.get("ingested_at") or now
        full.append(f)
    return full


def _insert_posts_pg_copy(session: Session, full: list[dict[str, Any]]) -> int:
    """PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING``.

    psycopg parses every multi-row ``INSERT`` text on the client (13 parameters a row), which
    made PostgreSQL four times slower than SQLite here; ``COPY`` streams the rows instead.
    """
    cols = ", ".join(_COLS)
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS _posts_in AS SELECT 0::bigint AS ord, {cols} "
                    "FROM posts WITH NO DATA")
        cur.execute("TRUNCATE _posts_in")
        with cur.copy(f"COPY _posts_in (ord, {cols}) FROM STDIN") as copy:
            for n, f in enumerate(full):
                copy.write_row([n, *(json.dumps(f[c], ensure_ascii=False) if c == "extras" else f[c]
                                     for c in _COLS)])
        cur.execute(f"INSERT INTO posts ({cols}) SELECT {cols} FROM _posts_in ORDER BY ord "
                    "ON CONFLICT (source, external_id) DO NOTHING RETURNING id")
        inserted = len(cur.fetchall())
        cur.execute("TRUNCATE _posts_in")
    return inserted


def insert_posts(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert new posts; a (source, external_id) already stored is skipped. Returns how many were new.

    SQLite: one cached ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` executed over all rows
    (SQLAlchemy's "insertmanyvalues" batches them) instead of compiling a fresh multi-row
    statement per chunk, which dominated the cost of a batch. PostgreSQL: ``COPY`` (see above).
    Runs in the caller's transaction either way.
    """
    if not rows:
        return 0
    full = _full_rows(rows)
    if session.get_bind().dialect.name == "postgresql":
        return _insert_posts_pg_copy(session, full)
    stmt = sqlite.insert(POSTS).on_conflict_do_nothing(index_elements=["source", "external_id"]).returning(POSTS.c.id)
    return len(session.connection().execute(stmt, full).all())


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
    """Store the detected language of each post id (one executemany UPDATE, not a query per post)."""
    if not langs:
        return
    stmt = update(POSTS).where(POSTS.c.id == bindparam("pid")).values(lang=bindparam("lang_value"))
    session.connection().execute(stmt, [{"pid": pid, "lang_value": lang} for pid, lang in langs.items()])


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
