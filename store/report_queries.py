"""Read-only queries behind the ministry's weekly export, the model reports and the retraining loop.

Why a separate module with narrow row types: an export must never carry a post's words, a handle,
a URL or an author hash. These queries select only the columns an aggregate needs (source,
platform, language, province, labels, timestamps), so nothing identifying can reach ``reports/``
by accident. The one exception, :func:`decided_examples`, feeds the DVC-tracked training labels
(never an export) and is named for what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.schema import Decision, Network, NetworkMember, Post, QueueItem, Score, User
from store.timeutil import as_utc


@dataclass(frozen=True)
class PostFacts:
    """The non-identifying attributes of one post that exports break counts down by."""

    post_id: int
    source: str
    platform: str | None
    lang: str | None
    province: str | None
    location_hint: str | None


@dataclass(frozen=True)
class FlagFacts:
    """A queue item (a flagged post) with the labels it was flagged for."""

    post: PostFacts
    queue_item_id: int
    labels: tuple[str, ...]
    enqueued_at: datetime


@dataclass(frozen=True)
class DecisionFacts:
    """A moderator's (not undone) decision, with the item's flag time for turnaround."""

    post: PostFacts
    queue_item_id: int
    action: str
    labels: tuple[str, ...]
    created_at: datetime
    enqueued_at: datetime


_POST_COLUMNS = (Post.id, Post.source, Post.platform, Post.lang, Post.province, Post.location_hint)


def _post(row: Any) -> PostFacts:
    return PostFacts(
        post_id=row.id,
        source=row.source,
        platform=row.platform,
        lang=row.lang,
        province=row.province,
        location_hint=row.location_hint,
    )


def posts_ingested(session: Session, start: datetime, end: datetime) -> list[PostFacts]:
    """Posts whose ``ingested_at`` falls in ``[start, end)``."""
    stmt = select(*_POST_COLUMNS).where(Post.ingested_at >= start, Post.ingested_at < end).order_by(Post.id)
    return [_post(r) for r in session.execute(stmt).all()]


def count_ingested(session: Session, start: datetime, end: datetime) -> int:
    """How many posts were ingested in ``[start, end)`` (trend lines need only the count)."""
    stmt = select(func.count(Post.id)).where(Post.ingested_at >= start, Post.ingested_at < end)
    return int(session.execute(stmt).scalar_one())


def flags_enqueued(session: Session, start: datetime, end: datetime) -> list[FlagFacts]:
    """Queue items enqueued (posts flagged) in ``[start, end)``."""
    stmt = (
        select(*_POST_COLUMNS, QueueItem.id.label("qid"), QueueItem.labels, QueueItem.enqueued_at)
        .join(QueueItem, QueueItem.post_id == Post.id)
        .where(QueueItem.enqueued_at >= start, QueueItem.enqueued_at < end)
        .order_by(QueueItem.id)
    )
    return [
        FlagFacts(post=_post(r), queue_item_id=r.qid, labels=tuple(r.labels or ()), enqueued_at=as_utc(r.enqueued_at))
        for r in session.execute(stmt).all()
    ]


def decisions_made(session: Session, start: datetime, end: datetime) -> list[DecisionFacts]:
    """Decisions created in ``[start, end)`` and not undone; labels fall back to the item's flags."""
    stmt = (
        select(
            *_POST_COLUMNS,
            Decision.queue_item_id,
            Decision.action,
            Decision.labels.label("dlabels"),
            Decision.created_at,
            QueueItem.labels.label("qlabels"),
            QueueItem.enqueued_at,
        )
        .join(Decision, Decision.post_id == Post.id)
        .join(QueueItem, QueueItem.id == Decision.queue_item_id)
        .where(Decision.created_at >= start, Decision.created_at < end, Decision.undone_at.is_(None))
        .order_by(Decision.id)
    )
    return [
        DecisionFacts(
            post=_post(r),
            queue_item_id=r.queue_item_id,
            action=r.action,
            labels=tuple(r.dlabels or r.qlabels or ()),
            created_at=as_utc(r.created_at),
            enqueued_at=as_utc(r.enqueued_at),
        )
        for r in session.execute(stmt).all()
    ]


def flagged_indicators(session: Session, start: datetime, end: datetime) -> list[tuple[str, dict[str, Any]]]:
    """(label, indicators) of flagged scores of posts enqueued in ``[start, end)``.

    Only the indicator JSON leaves this function; it holds category names or scores, never text.
    """
    stmt = (
        select(Score.label, Score.indicators)
        .join(QueueItem, QueueItem.post_id == Score.post_id)
        .where(QueueItem.enqueued_at >= start, QueueItem.enqueued_at < end, Score.flagged.is_(True))
        .order_by(Score.id)
    )
    return [(r.label, dict(r.indicators or {})) for r in session.execute(stmt).all()]


@dataclass(frozen=True)
class DecidedExample:
    """A moderator's standing confirm/dismiss decision with the post's text, for training labels."""

    decision_id: int
    post_id: int
    cluster_id: int | None
    user_id: int | None
    username: str | None
    text: str
    lang: str | None
    action: str
    labels: tuple[str, ...]


POSITIVE_ACTIONS = ("confirm", "refer")  # a referral is a confirmation that went on to a partner


def labelled_decisions(
    session: Session, upto: int | None = None, actions: tuple[str, ...] = ("confirm", "dismiss", "refer")
) -> list[DecidedExample]:
    """Every not-undone decision (id <= ``upto`` if given) with its post and moderator, oldest first.

    All of them, not one per post: two moderators deciding the same post (or near-duplicates of one
    cluster) is how their agreement is measured. Confirm and an approved referral carry their labels
    (the decision's, else the item's flags), dismiss none.
    """
    stmt = (
        select(
            Decision.id,
            Decision.post_id,
            Decision.user_id,
            Decision.action,
            Decision.labels,
            Post.text,
            Post.lang,
            Post.cluster_id,
            QueueItem.labels.label("qlabels"),
            User.username,
        )
        .join(Post, Post.id == Decision.post_id)
        .join(QueueItem, QueueItem.id == Decision.queue_item_id)
        .outerjoin(User, User.id == Decision.user_id)
        .where(Decision.undone_at.is_(None), Decision.action.in_(actions))
        .order_by(Decision.id)
    )
    if upto is not None:
        stmt = stmt.where(Decision.id <= upto)
    return [
        DecidedExample(
            decision_id=r.id,
            post_id=r.post_id,
            cluster_id=r.cluster_id,
            user_id=r.user_id,
            username=r.username,
            text=r.text,
            lang=r.lang,
            action=r.action,
            labels=tuple(r.labels or r.qlabels or ()) if r.action in POSITIVE_ACTIONS else (),
        )
        for r in session.execute(stmt).all()
    ]


def decided_examples(
    session: Session, after_id: int = 0, actions: tuple[str, ...] = ("confirm", "dismiss")
) -> list[DecidedExample]:
    """Decisions with id > ``after_id`` (not undone), the newest per post, oldest first.

    Only the newest decision per post counts, so a moderator who changed their mind is heard once.
    """
    latest: dict[int, DecidedExample] = {}
    for e in labelled_decisions(session, actions=actions):  # confirm/dismiss only, as before
        if e.decision_id > after_id:
            latest[e.post_id] = e
    return sorted(latest.values(), key=lambda e: e.decision_id)


@dataclass(frozen=True)
class ReviewedFlag:
    """A flagged item's standing verdict, with the scores of the model that flagged it.

    What live precision and score distributions need, and nothing more: no text, no handle, no note.
    ``confirmed`` is empty for a dismissal, else the decision's labels (or the item's flags).
    """

    queue_item_id: int
    post_id: int
    decision_id: int
    user_id: int | None
    lang: str | None
    platform: str | None
    model_version: str
    flagged: tuple[str, ...]
    action: str
    confirmed: tuple[str, ...]
    probabilities: dict[str, float]
    enqueued_at: datetime
    decided_at: datetime


def reviewed_flags(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    actions: tuple[str, ...] = ("confirm", "dismiss", "refer"),
) -> list[ReviewedFlag]:
    """Each flagged item's newest not-undone verdict (decided in ``[start, end)`` if given), oldest first.

    One row per item, so a second reviewer's verdict replaces the first (use :func:`labelled_decisions`
    for every reviewer's). ``probabilities`` are the scores the flagging model (the item's
    ``model_version``) gave the post, per label, the newest if it scored the post more than once.
    """
    stmt = (
        select(
            Decision.id,
            Decision.queue_item_id,
            Decision.post_id,
            Decision.user_id,
            Decision.action,
            Decision.labels.label("dlabels"),
            Decision.created_at,
            QueueItem.labels.label("qlabels"),
            QueueItem.model_version,
            QueueItem.enqueued_at,
            Post.lang,
            Post.platform,
        )
        .join(QueueItem, QueueItem.id == Decision.queue_item_id)
        .join(Post, Post.id == Decision.post_id)
        .where(Decision.undone_at.is_(None), Decision.action.in_(actions))
        .order_by(Decision.id)
    )
    if start is not None:
        stmt = stmt.where(Decision.created_at >= start)
    if end is not None:
        stmt = stmt.where(Decision.created_at < end)
    newest: dict[int, Any] = {}
    for r in session.execute(stmt).all():
        newest[int(r.queue_item_id)] = r
    probs: dict[int, dict[str, float]] = {}
    item_ids = sorted(newest)
    for chunk in range(0, len(item_ids), 500):
        ids = item_ids[chunk : chunk + 500]
        scores = (
            select(QueueItem.id, Score.label, Score.probability)
            .join(Score, (Score.post_id == QueueItem.post_id) & (Score.model_version == QueueItem.model_version))
            .where(QueueItem.id.in_(ids))
            .order_by(Score.id)
        )
        for item_id, label, probability in session.execute(scores).all():
            probs.setdefault(int(item_id), {})[str(label)] = float(probability)
    out = []
    for r in sorted(newest.values(), key=lambda r: int(r.id)):
        flagged = tuple(r.qlabels or ())
        confirmed = tuple(r.dlabels or flagged) if r.action in POSITIVE_ACTIONS else ()
        out.append(
            ReviewedFlag(
                queue_item_id=int(r.queue_item_id),
                post_id=int(r.post_id),
                decision_id=int(r.id),
                user_id=r.user_id,
                lang=r.lang,
                platform=r.platform,
                model_version=str(r.model_version),
                flagged=flagged,
                action=str(r.action),
                confirmed=confirmed,
                probabilities=probs.get(int(r.queue_item_id), {}),
                enqueued_at=as_utc(r.enqueued_at),
                decided_at=as_utc(r.created_at),
            )
        )
    return out


def scores_per_model_version(session: Session) -> dict[str, tuple[int, datetime | None, datetime | None]]:
    """For every model version that scored posts: (score rows, first scored_at, last scored_at).

    With the model registry this answers "which model produced this score, and when was it serving".
    """
    stmt = (
        select(Score.model_version, func.count(Score.id), func.min(Score.scored_at), func.max(Score.scored_at))
        .group_by(Score.model_version)
        .order_by(func.min(Score.scored_at))
    )
    return {
        r[0]: (int(r[1]), as_utc(r[2]) if r[2] else None, as_utc(r[3]) if r[3] else None)
        for r in session.execute(stmt).all()
    }


@dataclass(frozen=True)
class ModelSpan:
    """A model version that scored posts in a time window, with its first and last score time in it."""

    version: str
    first: datetime
    last: datetime
    scores: int


def models_serving(session: Session, start: datetime, end: datetime) -> list[ModelSpan]:
    """Model versions whose scores were written in ``[start, end)``, in the order they started."""
    stmt = (
        select(Score.model_version, func.min(Score.scored_at), func.max(Score.scored_at), func.count(Score.id))
        .where(Score.scored_at >= start, Score.scored_at < end)
        .group_by(Score.model_version)
        .order_by(func.min(Score.scored_at), Score.model_version)
    )
    return [ModelSpan(str(r[0]), as_utc(r[1]), as_utc(r[2]), int(r[3])) for r in session.execute(stmt).all()]


QUEUE_STATE = {None: "backlog", "escalate": "escalated", "refer_request": "referral_pending"}


def queue_state_at(session: Session, moment: datetime) -> dict[str, int]:
    """How many flagged items were open (``backlog``), ``escalated`` or ``referral_pending`` at ``moment``.

    Rebuilt from decisions as they stood then (an undo after ``moment`` does not count yet), so the
    figure for a past week does not change when the queue moves on and a rerun gives the same export.
    """
    items = select(QueueItem.id).where(QueueItem.enqueued_at < moment)
    live = (Decision.created_at < moment) & (Decision.undone_at.is_(None) | (Decision.undone_at >= moment))
    stmt = (
        select(Decision.queue_item_id, Decision.action)
        .where(live, Decision.queue_item_id.in_(items))
        .order_by(Decision.queue_item_id, Decision.created_at, Decision.id)
    )
    last: dict[int, str] = {}
    for item_id, action in session.execute(stmt).all():
        last[int(item_id)] = str(action)
    out = {state: 0 for state in QUEUE_STATE.values()}
    for (item_id,) in session.execute(items).all():
        state = QUEUE_STATE.get(last.get(int(item_id)))
        if state is not None:
            out[state] += 1
    return out


@dataclass(frozen=True)
class CaseFacts:
    """A case (network of two or more posts) seen in a period: when it was first seen, its members' flags."""

    network_id: int
    first_seen: datetime | None
    labels: tuple[str, ...]


def cases_seen(session: Session, start: datetime, end: datetime) -> list[CaseFacts]:
    """Cases with a member seen in ``[start, end)``: first seen before ``end``, last seen at or after ``start``.

    Read from the network summaries (``store.networks``), so the cost is the cases, not the posts.
    A case's labels are those its queued members were flagged with. Networks are relinked as posts
    arrive (merges, splits, a rebuild), so a past week's case counts can move slightly on a rerun.
    """
    rows = session.execute(
        select(Network.id, Network.first_seen)
        .where(Network.size >= 2, Network.first_seen < end, Network.last_seen >= start)
        .order_by(Network.id)
    ).all()
    labels: dict[int, set[str]] = {int(n): set() for n, _ in rows}
    ids = list(labels)
    for i in range(0, len(ids), 500):
        stmt = (
            select(NetworkMember.network_id, QueueItem.labels)
            .join(QueueItem, QueueItem.post_id == NetworkMember.post_id)
            .where(NetworkMember.network_id.in_(ids[i : i + 500]))
        )
        for n, lbs in session.execute(stmt):
            labels[int(n)].update(str(lb) for lb in (lbs or ()))
    return [
        CaseFacts(int(n), as_utc(first) if first is not None else None, tuple(sorted(labels[int(n)])))
        for n, first in rows
    ]
