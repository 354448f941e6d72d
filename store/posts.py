"""Posts, quarantine, edits and source cursors: what the feeds stage persists.

A batch of posts and its source's new cursor are written in one transaction, so a cursor never
advances past records that were not committed. A record the database still refuses (after the
feeds stage's own checks) is found by bisecting the batch and quarantined alone with the
database's reason; its neighbours are stored and the cursor moves on. Only the run holding a
source's lease may move its cursor, so two runs of one partner can never move it backwards.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

import psycopg
from sqlalchemy import Table, bindparam, exc, func, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from store.db import session_scope
from store.schema import Post, PostEdit, Quarantine, QueueItem, Score, Source, utcnow
from store.settings import get_settings
from store.upsert import insert_ignore

PREVIEW_CHARS = 4000
SYSTEMIC_REFUSALS = 10  # a batch of at least this many records all refused at insert is not about the records
REASON_CHARS = 2000
POSTS = cast(Table, Post.__table__)
QUARANTINE = cast(Table, Quarantine.__table__)
POST_EDITS = cast(Table, PostEdit.__table__)
SOURCES = cast(Table, Source.__table__)
log = logging.getLogger("chhmam.feeds")

_COLS = [c.name for c in POSTS.columns if c.name != "id"]


class QuarantineItem(NamedTuple):
    """One bad record: its raw payload as received, why, where it was (file and line, page and item).

    ``key`` is what, besides the payload, tells two bad records apart (a file and line number; empty
    where the same payload is the same record, as for an API item): it feeds the fingerprint that
    keeps reruns from quarantining a record twice.
    """

    raw: str | bytes
    reason: str
    where: str = ""
    key: str = ""


class StoreCounts(NamedTuple):
    """What one stored batch did."""

    new: int
    quarantined: int  # new quarantine rows (rejects and refused records; ones seen before are not counted)
    edited: int = 0
    refused: int = 0  # records the database refused (quarantined; neither new nor duplicates)


class LeaseLost(RuntimeError):
    """Another run took this source's lease: this run must not move the cursor any more."""


def _full_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    now = utcnow()
    full = []
    for r in rows:
        f = {c: r.get(c) for c in _COLS}
        f["extras"] = r.get("extras") or {}
        f["ingested_at"] = r.get("ingested_at") or now
        full.append(f)
    return full


def _insert_posts_pg_copy(session: Session, full: list[dict[str, Any]], edits: bool = False) -> tuple[int, int]:
    """PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING``.

    psycopg parses every multi-row ``INSERT`` text on the client (13 parameters a row), which
    made PostgreSQL four times slower than SQLite here; ``COPY`` streams the rows instead.
    """
    cols = ", ".join(_COLS)
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None
    with dbapi.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS _posts_in AS SELECT 0::bigint AS ord, {cols} FROM posts WITH NO DATA"
        )
        cur.execute("TRUNCATE _posts_in")
        with cur.copy(f"COPY _posts_in (ord, {cols}) FROM STDIN") as copy:
            for n, f in enumerate(full):
                copy.write_row([n, *(json.dumps(f[c], ensure_ascii=False) if c == "extras" else f[c] for c in _COLS)])
        cur.execute(
            f"INSERT INTO posts ({cols}) SELECT {cols} FROM _posts_in ORDER BY ord "
            "ON CONFLICT (source, external_id) DO NOTHING RETURNING id"
        )
        inserted = len(cur.fetchall())
        edited = 0
        if edits and inserted < len(full):  # set-based: a re-sent id whose text differs is an edit
            cur.execute(
                "INSERT INTO post_edits (post_id, text, content_hash, received_at) "
                "SELECT DISTINCT ON (p.id, i.content_hash) p.id, i.text, i.content_hash, now() "
                "FROM _posts_in i JOIN posts p ON p.source = i.source AND p.external_id = i.external_id "
                "WHERE p.content_hash <> i.content_hash "
                "ON CONFLICT (post_id, content_hash) DO NOTHING RETURNING id"
            )
            edited = len(cur.fetchall())
        cur.execute("TRUNCATE _posts_in")
    return inserted, edited


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
        return _insert_posts_pg_copy(session, full)[0]
    stmt = sqlite.insert(POSTS).on_conflict_do_nothing(index_elements=["source", "external_id"]).returning(POSTS.c.id)
    return len(session.connection().execute(stmt, full).all())


def payload_bytes(raw: str | bytes) -> bytes:
    """The payload as bytes, lone surrogates included (they are what the partner sent)."""
    return raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")


def printable(text: str | bytes, limit: int) -> str:
    """Text any database column takes: invalid UTF-8 and surrogates as U+FFFD, NUL shown as ``\\x00``."""
    data = payload_bytes(text)[: limit * 4]
    return data.decode("utf-8", "replace").replace("\x00", "\\x00")[:limit]


def _quarantine_row(source: str, item: QuarantineItem, cap: int, now: datetime) -> dict[str, Any]:
    data = payload_bytes(item.raw)
    fingerprint = hashlib.sha256(payload_bytes(item.key) + b"\x00" + data).hexdigest()
    return {
        "source": source,
        "reason": printable(item.reason, REASON_CHARS),
        "raw": printable(data, PREVIEW_CHARS),
        "received_at": now,
        "location": printable(item.where, 500) or None,
        "fingerprint": fingerprint,
        "raw_gz": zlib.compress(data[:cap]),
        "raw_bytes": len(data),
        "raw_truncated": len(data) > cap,
        "replayed_at": None,
    }


def quarantine(session: Session, source: str, items: Iterable[tuple[Any, ...]]) -> int:
    """Store bad records (``QuarantineItem`` or (raw, reason) pairs); returns how many were new.

    The whole payload is kept compressed up to ``CHHMAM_FEEDS_QUARANTINE_MAX_BYTES``; one that was
    quarantined before (same source, payload and place) is not stored again.
    """
    cap = get_settings().feeds_quarantine_max_bytes
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        row = _quarantine_row(source, QuarantineItem(*item), cap, now)
        rows.setdefault(row["fingerprint"], row)
    return len(insert_ignore(session, QUARANTINE, list(rows.values()), ["source", "fingerprint"], returning="id"))


def quarantine_payload(q: Quarantine) -> bytes:
    """The raw payload of a quarantined record as received (the preview for rows from before the blob)."""
    return zlib.decompress(q.raw_gz) if q.raw_gz is not None else q.raw.encode()


def quarantine_rows(
    session: Session, source: str, ids: Sequence[int] | None = None, limit: int = 10_000
) -> list[Quarantine]:
    """Quarantined records of ``source`` not replayed yet (only ``ids`` when given), oldest first."""
    stmt = (
        select(Quarantine)
        .where(Quarantine.source == source, Quarantine.replayed_at.is_(None))
        .order_by(Quarantine.id)
        .limit(limit)
    )
    if ids:
        stmt = stmt.where(Quarantine.id.in_(list(ids)))
    return list(session.scalars(stmt))


def mark_replayed(session: Session, ids: Sequence[int]) -> None:
    """Note that these quarantined records were re-ingested (the rows stay, for the audit trail)."""
    if ids:
        session.execute(update(QUARANTINE).where(QUARANTINE.c.id.in_(list(ids))).values(replayed_at=utcnow()))


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


def set_cursor(
    session: Session,
    source: str,
    kind: str,
    cursor: str | None,
    owner: str | None = None,
    lease_until: datetime | None = None,
) -> None:
    """Record where ``source`` was read up to; call inside the batch's own transaction.

    With ``owner`` the write only happens while that run holds the lease (and renews it until
    ``lease_until``); otherwise ``LeaseLost`` is raised and the transaction must be rolled back.
    """
    if owner is not None:
        values: dict[str, Any] = {"cursor": cursor, "updated_at": utcnow()}
        if lease_until is not None:
            values["lease_expires_at"] = lease_until
        res = session.execute(
            update(SOURCES).where(SOURCES.c.name == source, SOURCES.c.lease_owner == owner).values(**values)
        )
        if cast(Any, res).rowcount != 1:
            raise LeaseLost(f"{source}: another ingest took the lease; this run stops without moving the cursor")
        return
    row = session.get(Source, source)
    if row is None:
        session.add(Source(name=source, kind=kind, cursor=cursor, updated_at=utcnow()))
    else:
        row.cursor = cursor
        row.updated_at = utcnow()


def acquire_lease(
    session: Session, source: str, kind: str, owner: str, until: datetime, steal_from: str | None = None
) -> str | None:
    """Take ``source``'s lease for ``owner`` until ``until``; returns None, or the owner holding it.

    A lease is free when nobody holds it, it has expired, or its holder is ``steal_from`` (a run
    the caller knows is dead). The conditional UPDATE makes taking it atomic on both databases.
    """
    now = utcnow()
    insert_ignore(session, SOURCES, [{"name": source, "kind": kind, "cursor": None, "updated_at": now}], ["name"])
    free = SOURCES.c.lease_owner.is_(None) | (SOURCES.c.lease_expires_at < now) | (SOURCES.c.lease_owner == owner)
    if steal_from is not None:
        free = free | (SOURCES.c.lease_owner == steal_from)
    res = session.execute(
        update(SOURCES).where(SOURCES.c.name == source, free).values(lease_owner=owner, lease_expires_at=until)
    )
    if cast(Any, res).rowcount == 1:
        return None
    return session.scalar(select(Source.lease_owner).where(Source.name == source)) or "?"


def release_lease(session: Session, source: str, owner: str) -> None:
    """Give ``source``'s lease back (only if ``owner`` still holds it)."""
    session.execute(
        update(SOURCES)
        .where(SOURCES.c.name == source, SOURCES.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


def lease_holder(session: Session, source: str) -> str | None:
    """Who holds ``source``'s lease now (None: nobody)."""
    return session.scalar(select(Source.lease_owner).where(Source.name == source))


def record_edits(session: Session, source: str, rows: Sequence[dict[str, Any]]) -> int:
    """Keep each re-sent post whose text differs from the stored one as an edit; returns new edits.

    Called after the batch's inserts: a row whose (source, external_id) is stored with another
    content hash is an edit. Each distinct text of a post is kept once.
    """
    if not rows:
        return 0
    stored: dict[str, tuple[int, str]] = {}
    ids = sorted({r["external_id"] for r in rows})
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        for ext, pid, chash in session.execute(
            select(Post.external_id, Post.id, Post.content_hash).where(
                Post.source == source, Post.external_id.in_(part)
            )
        ):
            stored[ext] = (pid, chash)
    now = utcnow()
    edits = {
        (pid, r["content_hash"]): {
            "post_id": pid,
            "text": r["text"],
            "content_hash": r["content_hash"],
            "received_at": now,
        }
        for r in rows
        if (hit := stored.get(r["external_id"])) and (pid := hit[0]) is not None and hit[1] != r["content_hash"]
    }
    return len(insert_ignore(session, POST_EDITS, list(edits.values()), ["post_id", "content_hash"], returning="id"))


def post_edits(session: Session, post_id: int) -> list[PostEdit]:
    """The later texts of a post, oldest first."""
    return list(session.scalars(select(PostEdit).where(PostEdit.post_id == post_id).order_by(PostEdit.id)))


def store_batch(
    session: Session,
    source: str,
    kind: str,
    rows: Sequence[dict[str, Any]],
    rejects: Iterable[tuple[Any, ...]],
    cursor: str | None,
    owner: str | None = None,
    lease_until: datetime | None = None,
) -> StoreCounts:
    """Posts, edits, quarantined rejects and the source's new cursor, all in the caller's one transaction.

    ``cursor`` None leaves the stored cursor where it was. The caller commits once for all of
    them, so after a crash either all are there or none is.
    """
    if rows and session.get_bind().dialect.name == "postgresql":
        new, edited = _insert_posts_pg_copy(session, _full_rows(rows), edits=True)
    else:
        new = insert_posts(session, rows)
        edited = record_edits(session, source, rows) if new < len(rows) else 0
    bad = quarantine(session, source, rejects)
    if cursor is not None:
        set_cursor(session, source, kind, cursor, owner, lease_until)
    elif owner is not None and lease_until is not None:
        set_cursor(session, source, kind, get_cursor(session, source), owner, lease_until)
    return StoreCounts(new, bad, edited)


def is_record_error(err: BaseException) -> bool:
    """True when ``err`` is the database refusing a value (bad data), not the database being unavailable."""
    if isinstance(
        err, (exc.OperationalError, exc.InterfaceError, psycopg.OperationalError, psycopg.InterfaceError, LeaseLost)
    ):
        return False
    if isinstance(err, (exc.ProgrammingError, psycopg.ProgrammingError)):
        return False  # a wrong statement or schema (e.g. a migration not applied): every record would fail
    return isinstance(
        err, (exc.StatementError, psycopg.DataError, psycopg.IntegrityError, ValueError, TypeError, OverflowError)
    )


def _short(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return f"{type(getattr(err, 'orig', None) or err).__name__}: {text[0] if text else ''}"[:300]


def _insert_isolating(
    rows: Sequence[dict[str, Any]], raws: Sequence[int], raw_of: Callable[[int], QuarantineItem], source: str
) -> tuple[int, list[QuarantineItem], list[dict[str, Any]]]:
    """Insert ``rows`` in their own transactions, halving on refusal down to the refused rows.

    Returns (new posts, refused records for quarantine, rows stored). Each half is idempotent, so
    a crash part-way leaves nothing the rerun of the batch would store twice.
    """
    try:
        with session_scope() as session:
            return insert_posts(session, rows), [], list(rows)
    except Exception as err:
        if not is_record_error(err):
            raise
        if len(rows) == 1:
            item = raw_of(raws[0])
            log.warning("quarantined record from %s (%s): refused by the database: %s", source, item.where, _short(err))
            return 0, [item._replace(reason=f"refused by the database: {_short(err)}")], []
    mid = len(rows) // 2
    a = _insert_isolating(rows[:mid], raws[:mid], raw_of, source)
    b = _insert_isolating(rows[mid:], raws[mid:], raw_of, source)
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def store_batch_isolated(
    source: str,
    kind: str,
    rows: Sequence[dict[str, Any]],
    raw_of: Callable[[int], QuarantineItem],
    rejects: Sequence[tuple[Any, ...]],
    cursor: str | None,
    owner: str | None = None,
    lease_until: datetime | None = None,
) -> StoreCounts:
    """``store_batch`` in one transaction; when the database refuses a record, isolate and quarantine it.

    ``raw_of(i)`` is what to quarantine if ``rows[i]`` is refused (built only then). First the whole batch is tried
    at once (the normal, fast case). If the database refuses a value, the rows are bisected in
    their own transactions until each refused row is alone; then the refused rows, the rejects and
    the cursor are committed together, so the cursor moves past the bad record and it is kept.
    """
    try:
        with session_scope() as session:
            return store_batch(session, source, kind, rows, rejects, cursor, owner, lease_until)
    except Exception as err:
        if not is_record_error(err):
            raise
        log.warning("batch of %s refused by the database (%s): isolating the bad records", source, _short(err))
    new, refused, stored = _insert_isolating(rows, range(len(rows)), raw_of, source)
    if len(refused) == len(rows) >= SYSTEMIC_REFUSALS:
        # Every record refused: the cause is the database or this code, not the partner's records.
        # Fail loudly (the cursor stays) rather than quarantine a whole feed.
        raise RuntimeError(
            f"{source}: the database refused all {len(rows)} records of a batch, e.g. {refused[0].reason}"
        )
    with session_scope() as session:
        counts = store_batch(session, source, kind, [], [*rejects, *refused], cursor, owner, lease_until)
        edited = record_edits(session, source, stored)
    return StoreCounts(new, counts.quarantined, edited, len(refused))


def post_ids(session: Session, source: str) -> list[str]:
    """External ids stored for ``source`` (tests and audits compare them with the feed)."""
    return list(session.scalars(select(Post.external_id).where(Post.source == source)))


def posts_to_score(
    session: Session, model_version: str, limit: int = 5000, after_id: int = 0, max_id: int | None = None
) -> list[Post]:
    """Posts with no score yet from ``model_version``, oldest first (``after_id`` < id ≤ ``max_id``)."""
    scored = select(Score.post_id).where(Score.model_version == model_version)
    stmt = select(Post).where(Post.id > after_id, Post.id.not_in(scored)).order_by(Post.id).limit(limit)
    if max_id is not None:
        stmt = stmt.where(Post.id <= max_id)
    return list(session.scalars(stmt))


def ids_to_score(session: Session, model_version: str) -> list[int]:
    """Ids of posts with no score from ``model_version`` (to cut the work into id ranges)."""
    scored = select(Score.post_id).where(Score.model_version == model_version)
    return [int(i) for i in session.scalars(select(Post.id).where(Post.id.not_in(scored)).order_by(Post.id))]


def flagged_unqueued(
    session: Session, model_version: str, limit: int = 5000
) -> list[tuple[int, dict[str, float], list[str]]]:
    """(post id, every label's probability, flagged labels) for flagged posts not in the queue yet."""
    flagged_ids = (
        select(Score.post_id)
        .where(
            Score.model_version == model_version,
            Score.flagged.is_(True),
            Score.post_id.not_in(select(QueueItem.post_id)),
        )
        .distinct()
        .order_by(Score.post_id)
        .limit(limit)
    )
    ids = [int(i) for i in session.scalars(flagged_ids)]
    if not ids:
        return []
    out: dict[int, tuple[dict[str, float], list[str]]] = {i: ({}, []) for i in ids}
    for pid, label, prob, flagged in session.execute(
        select(Score.post_id, Score.label, Score.probability, Score.flagged).where(
            Score.model_version == model_version, Score.post_id.in_(ids)
        )
    ):
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
