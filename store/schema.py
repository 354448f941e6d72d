"""Tables of the Chhmam database (SQLAlchemy 2 declarative, typed).

One schema for every stage, so that a post can be followed from its feed to the ministry's export:
posts and quarantined records (feeds), scores with the model version (models), clusters, queue
items, decisions, users and the audit log (review), source cursors (feeds/flows).
Changes go through an Alembic migration in ``store/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.ranking import rank_for
from store.types import UTCDateTime


def utcnow() -> datetime:
    """Time-zone aware now, so that SQLite and PostgreSQL store the same instant."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with JSON mapped for dict/list annotations."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012


class Source(Base):
    """A partner feed and how far it has been read (the cursor advances with its batch)."""

    __tablename__ = "sources"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    cursor: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # One ingest per partner at a time: the run holding the lease is the only one that moves the cursor.
    lease_owner: Mapped[str | None] = mapped_column(String(200), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Post(Base):
    """A public post as ingested. ``author_hash`` is a keyed HMAC: raw handles are never stored."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_posts_source_external_id"),
        Index("ix_posts_content_hash", "content_hash"),
        Index("ix_posts_ingested_at", "ingested_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    author_hash: Mapped[str | None] = mapped_column(String(64), default=None, index=True)  # author history
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    url: Mapped[str | None] = mapped_column(Text, default=None)
    platform: Mapped[str | None] = mapped_column(String(50), default=None)
    location_hint: Mapped[str | None] = mapped_column(String(100), default=None)
    lang_hint: Mapped[str | None] = mapped_column(String(20), default=None)
    lang: Mapped[str | None] = mapped_column(String(10), default=None)
    province: Mapped[str | None] = mapped_column(String(100), default=None)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), default=None, index=True)
    extras: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Quarantine(Base):
    """A record that failed parsing or validation: kept with the reason, never silently dropped.

    ``raw`` is a printable preview; ``raw_gz`` the whole payload as received (zlib, up to the
    configured cap, ``raw_truncated`` when cut) so a fixed record can be replayed. ``fingerprint``
    (payload and where it came from) makes a rerun that meets the same bad record store nothing twice.
    """

    __tablename__ = "quarantine"
    __table_args__ = (Index("uq_quarantine_source_fingerprint", "source", "fingerprint", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    location: Mapped[str | None] = mapped_column(Text, default=None)
    fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    raw_gz: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    raw_bytes: Mapped[int | None] = mapped_column(Integer, default=None)
    raw_truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PostEdit(Base):
    """A later text of a stored post (the partner re-sent its id with different text).

    The post keeps the text it was scored and reviewed on; each distinct later text is kept here
    once, so reviewers can see that and how it changed.
    """

    __tablename__ = "post_edits"
    __table_args__ = (UniqueConstraint("post_id", "content_hash", name="uq_post_edits_post_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Cluster(Base):
    """Near-duplicate posts (templated ads reposted by many accounts), decided once."""

    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    representative_post_id: Mapped[int | None] = mapped_column(Integer, default=None)
    size: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LshBand(Base):
    """One MinHash LSH band key (band number + hash of that band) and the cluster that owns it.

    This is the persisted LSH index: a new post whose band key is already here is a near-duplicate
    candidate of that cluster, so clustering needs no in-memory state between runs.
    """

    __tablename__ = "lsh_bands"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), index=True)


class Score(Base):
    """One label's calibrated probability for one post from one model version."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("post_id", "label", "model_version", name="uq_scores_post_label_model"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(80), index=True)
    probability: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _queue_rank_default(context: Any) -> float:
    """Rank of a queue row inserted without one: priority plus ageing by enqueue time (store.ranking)."""
    params = context.get_current_parameters()
    return rank_for(float(params.get("priority") or 0.0), params.get("enqueued_at") or utcnow())


class QueueItem(Base):
    """A flagged post waiting for (or under) human review."""

    __tablename__ = "queue_items"
    __table_args__ = (
        Index("ix_queue_status_priority", "status", "priority"),
        Index("ix_queue_status_rank", "status", "rank"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), unique=True)
    labels: Mapped[list[str]] = mapped_column(default=list)
    max_probability: Mapped[float] = mapped_column(Float)
    priority: Mapped[float] = mapped_column(Float, index=True)
    model_version: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="open")
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Claim order: priority plus an ageing term baked in at enqueue time, so that "highest
    # priority, older first" is one index scan (see store.ranking.rank_for).
    rank: Mapped[float | None] = mapped_column(Float, default=_queue_rank_default, nullable=True)


class User(Base):
    """A person who uses the review app; ``role`` is moderator, lead, analyst or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Decision(Base):
    """What a moderator decided on a queue item (confirm, dismiss, escalate, refer, approve)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(20))
    labels: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AuditLog(Base):
    """Append-only record of who saw and did what; rows are only ever inserted."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class UserSession(Base):
    """A logged-in browser session: the cookie carries a random id, the database only its keyed hash.

    Revoking the row (logout, password change, disable, role change, "end all sessions") ends the
    session at the next request, whoever holds a copy of the cookie.
    """

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(5), default="en")
    last_decided: Mapped[int | None] = mapped_column(Integer, default=None)
    address: Mapped[str | None] = mapped_column(String(80), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)


class LoginThrottle(Base):
    """Login attempts per key (username, username+address, address) for the progressive delay.

    Times are epoch seconds (floats) so that one portable ``UPDATE … RETURNING`` can compute the next
    allowed time on SQLite and PostgreSQL alike.
    """

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[float] = mapped_column(Float, default=0.0)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)


class Entity(Base):
    """A contact value (phone, handle, URL, domain, e-mail, wallet), an author or a near-duplicate
    cluster that posts can share; only its keyed hash is stored (see ``features.entities``).

    ``common`` entities (a public hotline on the allow-list, a number shared by more authors than the
    degree cap) keep their links but no longer join networks: ``common_reason`` says why.
    """

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("kind", "value_hash", name="uq_entities_kind_value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    value_hash: Mapped[str] = mapped_column(String(64))
    posts: Mapped[int] = mapped_column(Integer, default=0)
    authors: Mapped[int] = mapped_column(Integer, default=0)
    common: Mapped[bool] = mapped_column(Boolean, default=False)
    common_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PostEntity(Base):
    """That a post carries an entity; ``label`` is what may be shown (app, country, provider)."""

    __tablename__ = "post_entities"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True, index=True)
    label: Mapped[str | None] = mapped_column(String(30), default=None)


class NetworkMember(Base):
    """Which network a linked post is in. Every linked post has a row (a lone post is its own network,
    with no ``networks`` row); a post without one has not been linked yet.

    A network's id is always the id of one of its member posts, so ids never collide.
    """

    __tablename__ = "network_members"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    network_id: Mapped[int] = mapped_column(Integer, index=True)


class Network(Base):
    """A network (case) of two or more posts linked through shared entities, with its summary.

    The summary is recomputed from the members whenever the network changes or a member is decided,
    so pages and exports read one row.
    """

    __tablename__ = "networks"
    __table_args__ = (Index("ix_networks_risk", "risk"), Index("ix_networks_last_seen", "last_seen"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Integer, default=0, index=True)
    authors: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    sources: Mapped[list[str]] = mapped_column(default=list)
    platforms: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    entity_kinds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decisions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    queued: Mapped[int] = mapped_column(Integer, default=0)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
