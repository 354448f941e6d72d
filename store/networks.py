"""Networks (cases): entities, post-entity links, network membership and summaries.

Why a network: recruiters and groomers post the same phone, handle or wallet in many reworded posts
under many accounts; analysts work on the set, not on one post. ``cases.linking`` decides what links
(the linking rule, the allow-list, the degree cap) and calls this module; this module only reads and
writes rows, on SQLite and PostgreSQL alike, and knows nothing of how values are extracted.

Tables (``store.schema``; migration ``0006_networks``):

- ``entities``: one row per (kind, value_hash). ``value_hash`` is the keyed HMAC of the value
  (``features.entities.entity_hash``), the author's own hash for ``kind='author'`` and the cluster
  id for ``kind='cluster'``; no contact value is stored. ``posts``/``authors`` count its links
  (``authors`` is kept exact only while the entity is not common); ``common``/``common_reason``
  (``allow_list``, ``authors``, ``posts``) mark entities that no longer join networks.
- ``post_entities``: (post_id, entity_id, label); ``label`` is shown in place of the value (the app
  of a handle, the country of a phone, the provider of a wallet).
- ``network_members``: post_id → network_id for every linked post (a lone post is network
  ``post_id`` with no ``networks`` row). A network id is always one of its members' post ids.
- ``networks``: one row per network of two or more posts, with its summary: size, distinct authors,
  first/last seen (``created_at``, else ``ingested_at``), sources (partners), platforms, languages,
  ``entity_kinds`` (kind → distinct linking entities), ``decisions`` (action → members whose latest
  active decision it is), ``queued`` (members in the review queue), ``risk`` (0..1, see
  ``cases.linking.risk_score``), ``updated_at``.

Read API for pages and exports (none of it returns an entity value):

- ``network_of_post(session, post_id)`` → network id or None (not linked yet);
- ``risk_of_posts(session, post_ids)`` → post_id → (network id, risk), for queue priority;
- ``get_network(session, network_id)`` → ``Network`` row or None (a lone post has none);
- ``list_networks(session, min_size, order, limit, offset)`` → summaries, by risk, size or recency;
- ``network_posts(session, network_id, limit, offset)`` → member ``Post`` rows, oldest first;
- ``shared_entities(session, network_id)`` → ``SharedEntity`` (entity id, kind, labels, members
  carrying it, common flag), the links that hold a case together, for the case page and evidence;
- ``post_links(session, post_ids)`` → (post_id, entity_id) pairs (the edges of the case graph);
- ``author_history(session, post_id, limit)`` → the same author's other posts with dates and their
  latest decision, for the item page;
- ``counts(session)`` → totals for ``chhmam networks stats`` and the weekly report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.schema import Decision, Entity, Network, NetworkMember, Post, PostEntity, QueueItem, utcnow

ENTITIES = cast(Table, Entity.__table__)
LINKS = cast(Table, PostEntity.__table__)
MEMBERS = cast(Table, NetworkMember.__table__)
NETWORKS = cast(Table, Network.__table__)
_CHUNK = 500


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _insert_ignore(session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """``INSERT … ON CONFLICT DO NOTHING`` as one statement executed over all rows.

    Why not ``store.upsert.insert_ignore``: that compiles a multi-row VALUES per chunk, which cost
    more than the database work here; one cached statement with many parameter sets lets SQLAlchemy
    batch the rows ("insertmanyvalues") on SQLite and PostgreSQL alike.
    """
    if not rows:
        return
    mod: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.connection().execute(mod.insert(table).on_conflict_do_nothing(index_elements=list(keys)), list(rows))


class LinkPost(NamedTuple):
    """What linking needs of a post: its text (for entities), author hash, cluster, time and origin."""

    id: int
    text: str
    author_hash: str | None
    cluster_id: int | None
    seen_at: datetime
    source: str
    platform: str | None
    lang: str | None


class EntityRow(NamedTuple):
    """An entity's id and counters as stored."""

    id: int
    kind: str
    value_hash: str
    posts: int
    authors: int
    common: bool
    common_reason: str | None
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass(frozen=True)
class SharedEntity:
    """An entity carried by members of one network (masked: the kind and labels, never the value)."""

    entity_id: int
    kind: str
    labels: tuple[str, ...]
    members: int
    common: bool


# ----------------------------------------------------------------------------------------------- #
# Writing (cases.linking)
# ----------------------------------------------------------------------------------------------- #


def unlinked_posts(session: Session, after_id: int = 0, limit: int = 5000) -> list[LinkPost]:
    """Posts with no ``network_members`` row yet (never linked), oldest first."""
    linked = select(NetworkMember.post_id).where(NetworkMember.post_id == Post.id).exists()
    stmt = (
        select(
            Post.id,
            Post.text,
            Post.author_hash,
            Post.cluster_id,
            func.coalesce(Post.created_at, Post.ingested_at),
            Post.source,
            Post.platform,
            Post.lang,
        )
        .where(Post.id > after_id, ~linked)
        .order_by(Post.id)
        .limit(limit)
    )
    return [
        LinkPost(int(r[0]), str(r[1]), r[2], r[3], r[4], str(r[5]), r[6], r[7])
        for r in session.connection().execute(stmt)
    ]


def max_linked_post(session: Session) -> int:
    """The highest post id that has been linked (0 when none has)."""
    return int(session.scalar(select(func.max(NetworkMember.post_id))) or 0)


def upsert_entities(
    session: Session, keys: Sequence[tuple[str, str]], allow_listed: Iterable[tuple[str, str]] = ()
) -> dict[tuple[str, str], EntityRow]:
    """Make sure every (kind, value_hash) has a row; return all of them by key.

    New rows that are in ``allow_listed`` start common (reason ``allow_list``).
    """
    allowed = set(allow_listed)
    unique = list(dict.fromkeys(keys))
    rows = [
        {
            "kind": k,
            "value_hash": h,
            "posts": 0,
            "authors": 0,
            "common": (k, h) in allowed,
            "common_reason": "allow_list" if (k, h) in allowed else None,
        }
        for k, h in unique
    ]
    _insert_ignore(session, ENTITIES, rows, ["kind", "value_hash"])
    found: dict[tuple[str, str], EntityRow] = {}
    by_kind: dict[str, list[str]] = {}
    for k, h in unique:
        by_kind.setdefault(k, []).append(h)
    for kind, hashes in by_kind.items():
        for part in _chunks(hashes):
            for r in session.connection().execute(
                select(*ENTITIES.c).where(ENTITIES.c.kind == kind, ENTITIES.c.value_hash.in_(part))
            ):
                row = EntityRow(
                    int(r.id),
                    r.kind,
                    r.value_hash,
                    int(r.posts),
                    int(r.authors),
                    bool(r.common),
                    r.common_reason,
                    r.first_seen,
                    r.last_seen,
                )
                found[(row.kind, row.value_hash)] = row
    return found


def add_links(session: Session, links: Sequence[tuple[int, int, str | None]]) -> None:
    """Insert (post_id, entity_id, label) links (a link already there is kept as it is)."""
    _insert_ignore(
        session, LINKS, [{"post_id": p, "entity_id": e, "label": lb} for p, e, lb in links], ["post_id", "entity_id"]
    )


def _post_facts(session: Session, post_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """post_id → (author key, seen at, source, platform, lang), by primary key.

    Why key lookups and Python rather than one join: with hundreds of ids in an ``IN`` list a
    planner may pick a hash join that scans every post, which makes the cost grow with the posts
    stored; lookups by key keep it proportional to the posts asked for.
    """
    out: dict[int, tuple[Any, ...]] = {}
    for part in _chunks(sorted(set(post_ids))):
        for pid, author, created, ingested, source, platform, lang in session.connection().execute(
            select(
                Post.id, Post.author_hash, Post.created_at, Post.ingested_at, Post.source, Post.platform, Post.lang
            ).where(Post.id.in_(part))
        ):
            out[int(pid)] = (author or f"post:{pid}", created or ingested, source, platform, lang)
    return out


def entity_posts(session: Session, entity_ids: Sequence[int]) -> dict[int, list[int]]:
    """entity_id → the posts that carry it."""
    out: dict[int, list[int]] = {}
    for part in _chunks(sorted(set(entity_ids))):
        for e, p in session.connection().execute(
            select(PostEntity.entity_id, PostEntity.post_id).where(PostEntity.entity_id.in_(part))
        ):
            out.setdefault(int(e), []).append(int(p))
    return out


def entity_authors(session: Session, entity_ids: Sequence[int]) -> dict[int, int]:
    """Distinct authors among each entity's posts (a post without an author counts as its own).

    Reads every link of the entities: call it only for entities that are not common, whose degree
    the caps bound.
    """
    carriers = entity_posts(session, entity_ids)
    facts = _post_facts(session, [p for ps in carriers.values() for p in ps])
    return {e: len({facts[p][0] for p in ps if p in facts}) for e, ps in carriers.items()}


def update_entities(session: Session, rows: Sequence[EntityRow]) -> None:
    """Write back entities' counters, common flags and first/last seen."""
    if not rows:
        return
    stmt = (
        update(ENTITIES)
        .where(ENTITIES.c.id == bindparam("eid"))
        .values(
            posts=bindparam("n_posts"),
            authors=bindparam("n_authors"),
            common=bindparam("is_common"),
            common_reason=bindparam("reason"),
            first_seen=bindparam("first"),
            last_seen=bindparam("last"),
        )
    )
    session.connection().execute(
        stmt,
        [
            {
                "eid": r.id,
                "n_posts": r.posts,
                "n_authors": r.authors,
                "is_common": r.common,
                "reason": r.common_reason,
                "first": r.first_seen,
                "last": r.last_seen,
            }
            for r in rows
        ],
    )


def entity_networks(session: Session, entity_ids: Sequence[int]) -> dict[int, set[int]]:
    """The networks that already hold posts carrying each entity (posts not linked yet are left out)."""
    carriers = entity_posts(session, entity_ids)
    of_post = networks_of_posts(session, [p for ps in carriers.values() for p in ps])
    out: dict[int, set[int]] = {}
    for e, ps in carriers.items():
        found = {of_post[p] for p in ps if p in of_post}
        if found:
            out[e] = found
    return out


def network_sizes(session: Session, network_ids: Sequence[int]) -> dict[int, int]:
    """Stored size of each network (1 for a network that has no summary row: a lone post)."""
    out = {int(n): 1 for n in network_ids}
    for part in _chunks(list(network_ids)):
        out.update(
            {
                int(i): int(s)
                for i, s in session.connection().execute(select(Network.id, Network.size).where(Network.id.in_(part)))
            }
        )
    return out


def add_members(session: Session, members: Mapping[int, int]) -> None:
    """Record newly linked posts: post_id → network_id."""
    if members:
        session.connection().execute(MEMBERS.insert(), [{"post_id": p, "network_id": n} for p, n in members.items()])


def move_members(session: Session, moves: Mapping[int, int]) -> None:
    """Merge networks: every member of network ``old`` moves to ``new``; ``old``'s summary row goes."""
    if not moves:
        return
    session.connection().execute(
        update(MEMBERS).where(MEMBERS.c.network_id == bindparam("old")).values(network_id=bindparam("new")),
        [{"old": a, "new": b} for a, b in moves.items()],
    )
    for part in _chunks(list(moves)):
        session.connection().execute(delete(NETWORKS).where(NETWORKS.c.id.in_(part)))


def set_members(session: Session, members: Mapping[int, int]) -> None:
    """Move single posts to another network (a split): post_id → network_id."""
    if members:
        session.connection().execute(
            update(MEMBERS).where(MEMBERS.c.post_id == bindparam("pid")).values(network_id=bindparam("nid")),
            [{"pid": p, "nid": n} for p, n in members.items()],
        )


def members(session: Session, network_id: int) -> list[int]:
    """Post ids of a network, in id order (a lone post's network is the post itself)."""
    return [
        int(p)
        for p in session.scalars(
            select(NetworkMember.post_id).where(NetworkMember.network_id == network_id).order_by(NetworkMember.post_id)
        )
    ]


def networks_of_posts(session: Session, post_ids: Sequence[int]) -> dict[int, int]:
    """post_id → network_id for the given (linked) posts."""
    out: dict[int, int] = {}
    for part in _chunks(list(post_ids)):
        out.update(
            {
                int(p): int(n)
                for p, n in session.connection().execute(
                    select(NetworkMember.post_id, NetworkMember.network_id).where(NetworkMember.post_id.in_(part))
                )
            }
        )
    return out


def post_links(session: Session, post_ids: Sequence[int], linking_only: bool = False) -> list[tuple[int, int]]:
    """(post_id, entity_id) links of the posts; with ``linking_only`` without common entities."""
    out: list[tuple[int, int]] = []
    for part in _chunks(list(post_ids)):
        stmt = select(PostEntity.post_id, PostEntity.entity_id).where(PostEntity.post_id.in_(part))
        if linking_only:
            stmt = stmt.join(Entity, Entity.id == PostEntity.entity_id).where(Entity.common.is_(False))
        out.extend((int(p), int(e)) for p, e in session.connection().execute(stmt))
    return out


def summary_stats(session: Session, network_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Everything a network summary is made of, per network, read from its members.

    Key lookups only (members by network, posts, links, decisions and queue rows by post), so the
    cost is proportional to the members of the given networks, never to all posts.
    """
    member_of: dict[int, int] = {}
    for part in _chunks(sorted(set(network_ids))):
        member_of.update(
            {
                int(p): int(n)
                for p, n in session.connection().execute(
                    select(NetworkMember.post_id, NetworkMember.network_id).where(NetworkMember.network_id.in_(part))
                )
            }
        )
    posts = sorted(member_of)
    facts = _post_facts(session, posts)
    links = post_links(session, posts)
    kinds: dict[int, tuple[str, bool]] = {}
    for part in _chunks(sorted({e for _, e in links})):
        kinds.update(
            {
                int(e): (str(k), bool(c))
                for e, k, c in session.connection().execute(
                    select(Entity.id, Entity.kind, Entity.common).where(Entity.id.in_(part))
                )
            }
        )
    latest: dict[int, tuple[int, str]] = {}
    queued: set[int] = set()
    for part in _chunks(posts):
        for did, pid, action in session.connection().execute(
            select(Decision.id, Decision.post_id, Decision.action).where(
                Decision.post_id.in_(part), Decision.undone_at.is_(None)
            )
        ):
            if int(pid) not in latest or int(did) > latest[int(pid)][0]:
                latest[int(pid)] = (int(did), str(action))
        queued.update(
            int(p)
            for p in session.connection()
            .execute(select(QueueItem.post_id).where(QueueItem.post_id.in_(part)))
            .scalars()
        )
    out: dict[int, dict[str, Any]] = {}
    sets: dict[int, tuple[set[str], set[str], set[str], set[str], dict[str, set[int]]]] = {}
    for p, n in member_of.items():
        s = out.setdefault(
            n,
            {
                "size": 0,
                "authors": 0,
                "first_seen": None,
                "last_seen": None,
                "sources": [],
                "platforms": [],
                "languages": [],
                "entity_kinds": {},
                "decisions": {},
                "queued": 0,
            },
        )
        authors, sources, platforms, languages, by_kind = sets.setdefault(n, (set(), set(), set(), set(), {}))
        s["size"] += 1
        if p in facts:
            author, seen, source, platform, lang = facts[p]
            authors.add(author)
            sources.add(source)
            if platform:
                platforms.add(platform)
            if lang:
                languages.add(lang)
            if seen is not None:
                s["first_seen"] = seen if s["first_seen"] is None else min(s["first_seen"], seen)
                s["last_seen"] = seen if s["last_seen"] is None else max(s["last_seen"], seen)
        if p in latest:
            action = latest[p][1]
            s["decisions"][action] = s["decisions"].get(action, 0) + 1
        s["queued"] += p in queued
    for p, e in links:
        kind, common = kinds.get(e, ("", True))
        if not common:
            sets[member_of[p]][4].setdefault(kind, set()).add(e)
    for n, s in out.items():
        authors, sources, platforms, languages, by_kind = sets[n]
        s.update(
            authors=len(authors),
            sources=sorted(sources),
            platforms=sorted(platforms),
            languages=sorted(languages),
            entity_kinds={k: len(v) for k, v in sorted(by_kind.items())},
        )
    return out


def save_networks(session: Session, summaries: Mapping[int, Mapping[str, Any]]) -> None:
    """Replace the summary rows of these networks (those of size < 2 are removed, not written)."""
    ids = list(summaries)
    for part in _chunks(ids):
        session.connection().execute(delete(NETWORKS).where(NETWORKS.c.id.in_(part)))
    now = utcnow()
    rows = [{"id": n, **dict(s), "updated_at": now} for n, s in summaries.items() if int(s["size"]) >= 2]
    if rows:
        session.connection().execute(NETWORKS.insert(), rows)


def stale_networks(session: Session) -> list[int]:
    """Networks with a decision taken or undone on a member since their summary was written.

    Driven from ``decisions`` (human-paced, small) with key lookups into the network tables, so the
    cost never grows with the posts stored, whatever plan the database would pick for a join.
    """
    oldest = session.connection().execute(select(func.min(Network.updated_at))).scalar()
    if oldest is None:
        return []
    changed: dict[int, list[datetime]] = {}
    for post_id, created, undone in session.connection().execute(
        select(Decision.post_id, Decision.created_at, Decision.undone_at).where(
            (Decision.created_at > oldest) | (Decision.undone_at > oldest)
        )
    ):
        changed.setdefault(int(post_id), []).extend(t for t in (created, undone) if t is not None)
    if not changed:
        return []
    of_post = networks_of_posts(session, list(changed))
    updated: dict[int, datetime] = {}
    for part in _chunks(sorted(set(of_post.values()))):
        updated.update(
            {
                int(n): t
                for n, t in session.connection().execute(
                    select(Network.id, Network.updated_at).where(Network.id.in_(part))
                )
            }
        )
    return sorted({n for p, n in of_post.items() if n in updated and max(changed[p]) > updated[n]})


def clear(session: Session) -> None:
    """Remove every link, membership and network (before a full rebuild)."""
    for table in (NETWORKS, MEMBERS, LINKS, ENTITIES):
        session.connection().execute(delete(table))


# ----------------------------------------------------------------------------------------------- #
# Reading (pages, exports, CLI)
# ----------------------------------------------------------------------------------------------- #


def network_of_post(session: Session, post_id: int) -> int | None:
    """The network a post is in, or None when it has not been linked yet."""
    n = session.scalar(select(NetworkMember.network_id).where(NetworkMember.post_id == post_id))
    return int(n) if n is not None else None


def get_network(session: Session, network_id: int) -> Network | None:
    """A network's summary row (None for a lone post or an unknown id)."""
    return session.get(Network, network_id)


def risk_of_posts(session: Session, post_ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """post_id → (network id, risk) for the posts that are in a network of two or more (queue priority)."""
    out: dict[int, tuple[int, float]] = {}
    for part in _chunks(list(post_ids)):
        stmt = (
            select(NetworkMember.post_id, Network.id, Network.risk)
            .join(Network, Network.id == NetworkMember.network_id)
            .where(NetworkMember.post_id.in_(part))
        )
        out.update({int(p): (int(n), float(r)) for p, n, r in session.execute(stmt)})
    return out


def list_networks(
    session: Session, min_size: int = 2, order: str = "risk", limit: int = 50, offset: int = 0
) -> list[Network]:
    """Networks of at least ``min_size`` posts, by ``risk``, ``size`` or ``recent`` (last seen) first."""
    key = {"risk": Network.risk, "size": Network.size, "recent": Network.last_seen}[order]
    stmt = select(Network).where(Network.size >= min_size).order_by(key.desc(), Network.id).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def network_posts(session: Session, network_id: int, limit: int = 500, offset: int = 0) -> list[Post]:
    """A network's member posts, oldest first."""
    stmt = (
        select(Post)
        .join(NetworkMember, NetworkMember.post_id == Post.id)
        .where(NetworkMember.network_id == network_id)
        .order_by(func.coalesce(Post.created_at, Post.ingested_at), Post.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def shared_entities(session: Session, network_id: int, min_members: int = 2) -> list[SharedEntity]:
    """Entities carried by at least ``min_members`` posts of the network, most shared first."""
    stmt = (
        select(Entity.id, Entity.kind, Entity.common, PostEntity.label, func.count())
        .join(PostEntity, PostEntity.entity_id == Entity.id)
        .join(NetworkMember, NetworkMember.post_id == PostEntity.post_id)
        .where(NetworkMember.network_id == network_id)
        .group_by(Entity.id, Entity.kind, Entity.common, PostEntity.label)
    )
    merged: dict[int, tuple[str, bool, set[str], int]] = {}
    for eid, kind, common, label, count in session.execute(stmt):
        k, c, labels, n = merged.get(int(eid), (str(kind), bool(common), set(), 0))
        if label:
            labels.add(str(label))
        merged[int(eid)] = (k, c, labels, n + int(count))
    out = [SharedEntity(e, k, tuple(sorted(lb)), n, c) for e, (k, c, lb, n) in merged.items() if n >= min_members]
    return sorted(out, key=lambda s: (-s.members, s.kind, s.entity_id))


def author_history(session: Session, post_id: int, limit: int = 50) -> list[tuple[Post, str | None]]:
    """The same author's other posts, newest first, each with its latest active decision (or None)."""
    author = session.scalar(select(Post.author_hash).where(Post.id == post_id))
    if author is None:
        return []
    posts = list(
        session.scalars(
            select(Post)
            .where(Post.author_hash == author, Post.id != post_id)
            .order_by(func.coalesce(Post.created_at, Post.ingested_at).desc(), Post.id.desc())
            .limit(limit)
        )
    )
    actions: dict[int, str] = {}
    if posts:
        stmt = (
            select(Decision.post_id, Decision.action)
            .where(Decision.post_id.in_([p.id for p in posts]), Decision.undone_at.is_(None))
            .order_by(Decision.id)
        )
        actions = {int(p): str(a) for p, a in session.execute(stmt)}
    return [(p, actions.get(p.id)) for p in posts]


def counts(session: Session) -> dict[str, Any]:
    """Totals: linked posts, entities per kind (and how many are common), networks by size."""
    by_kind: dict[str, dict[str, int]] = {}
    for kind, common, n in session.execute(
        select(Entity.kind, Entity.common, func.count()).group_by(Entity.kind, Entity.common)
    ):
        entry = by_kind.setdefault(str(kind), {"total": 0, "common": 0})
        entry["total"] += int(n)
        if common:
            entry["common"] += int(n)
    sizes = list(session.execute(select(Network.size, func.count()).group_by(Network.size)))
    buckets: dict[str, int] = {"2-4": 0, "5-19": 0, "20-99": 0, "100+": 0}
    for size, n in sizes:
        s = int(size)
        buckets["2-4" if s < 5 else "5-19" if s < 20 else "20-99" if s < 100 else "100+"] += int(n)
    return {
        "linked_posts": int(session.scalar(select(func.count()).select_from(NetworkMember)) or 0),
        "entities": by_kind,
        "networks": int(sum(int(n) for _, n in sizes)),
        "posts_in_networks": int(session.scalar(select(func.coalesce(func.sum(Network.size), 0))) or 0),
        "network_sizes": buckets,
        "largest": int(session.scalar(select(func.max(Network.size))) or 0),
    }
