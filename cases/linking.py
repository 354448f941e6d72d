"""Incremental linking of posts into networks: union-find over shared entities, as posts arrive.

The rule: two posts are in one network when a chain of shared *linking* entities joins them. The
entities of a post are its contacts (``features.entities``: phone, handle, URL, domain, e-mail,
wallet, each stored as a keyed hash), its hashed author and its near-duplicate cluster. An entity
stops linking (becomes *common*) when

- it is on the allow-list (``data/networks/allow_list.yaml``: public hotlines, platforms), or
- more distinct authors than ``CHHMAM_NETWORK_DEGREE_CAP`` carry it (a post without an author
  counts as its own author), or more posts than ``CHHMAM_NETWORK_POST_CAP``.

Why a cap as well as a list: the list can never name every bank's or shop's number, and one such
number in a thousand posts would otherwise merge a thousand unrelated posts into one "case". A
recruiter's number is carried by the few accounts of one operation; a company's by everyone.

Why incremental: a batch reads only what its own posts touch. For each new post it looks up its
entities, then, for the non-common ones, the networks that already hold them (an entity that links
is in at most one network, and its degree is bounded by the caps), unions the lot and merges the
networks it joined (the largest keeps its id, so a post changes network O(log n) times). The cost
is proportional to the posts added and the networks they touch, never to the posts stored.

When an entity turns common, the networks it had already merged are split again: their members are
re-linked without it (cost: the size of those networks). A network's id is always the id of one of
its member posts (the component holding that post keeps it on a split), so ids never collide.

After linking, every touched network's summary is recomputed from its members, with a risk score
(``risk_score``). Decisions are taken in the review app at any time: ``refresh_stale`` brings the
summaries of networks whose members were decided since up to date (the pipeline calls it each run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from features.entities import KINDS, entity_hash, extract_entities, phone_e164
from store import networks as store_networks
from store.db import session_scope
from store.networks import EntityRow, LinkPost
from store.settings import get_settings

BATCH = 5000
# How far below the highest linked post id to look for unlinked posts: ids handed out by
# concurrent ingests (PostgreSQL sequences) can commit out of order by up to a few batches.
ID_SLACK = 100_000


@dataclass(frozen=True)
class LinkConfig:
    """What linking needs besides the posts: the HMAC key, the caps and the hashed allow-list."""

    key: str
    degree_cap: int = 50
    post_cap: int = 1000
    allow_listed: frozenset[tuple[str, str]] = frozenset()
    region: str = "KH"

    @classmethod
    def from_settings(cls) -> LinkConfig:
        """The configured key, caps and allow-list (``CHHMAM_NETWORK_*``, ``CHHMAM_AUTHOR_HMAC_KEY``)."""
        s = get_settings()
        return cls(
            s.author_hmac_key,
            s.network_degree_cap,
            s.network_post_cap,
            load_allow_list(s.network_allow_list, s.author_hmac_key, s.network_region),
            s.network_region,
        )


def normalise_listed(kind: str, value: str, region: str = "KH") -> str | None:
    """An allow-list value in the form ``features.entities`` gives it (None if it can never match)."""
    text = value.strip().casefold()
    if kind == "phone":
        phone = phone_e164("".join(c for c in text if c.isdigit() or c == "+"), region)
        return phone[0] if phone else None
    if kind in ("domain", "url"):
        for prefix in ("https://", "http://", "www."):
            text = text.removeprefix(prefix)
        return text.rstrip("/")
    if kind == "handle":
        return text.lstrip("@")
    if kind == "wallet" and any(c.isdigit() for c in text) and not text.startswith(("0x", "t", "bc1")):
        return "".join(c for c in text if c.isdigit())
    return text


def load_allow_list(path: Path, key: str, region: str = "KH") -> frozenset[tuple[str, str]]:
    """(kind, value_hash) of every usable allow-list entry; a missing file is an empty list."""
    if not path.exists():
        return frozenset()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: set[tuple[str, str]] = set()
    for kind, entries in data.items():
        if kind not in KINDS:
            raise ValueError(f"{path}: unknown entity kind {kind!r} (one of {', '.join(KINDS)})")
        for entry in entries or []:
            raw = entry["value"] if isinstance(entry, dict) else entry
            value = normalise_listed(kind, str(raw), region)
            if value:
                out.add((kind, entity_hash(kind, value, key)))
    return frozenset(out)


# ----------------------------------------------------------------------------------------------- #
# Risk
# ----------------------------------------------------------------------------------------------- #

# How much one member's latest decision lifts a network's risk: 1 - risk is multiplied by the
# factor once per member. A referral (approved by a second reviewer) weighs most.
DECISION_FACTORS = {"refer": 0.5, "refer_request": 0.6, "confirm": 0.6, "escalate": 0.8}


def risk_score(size: int, decisions: Mapping[str, int], queued: int) -> float:
    """A network's risk in [0, 1): what its members' decisions and flags say about it.

    Weak signals first: each member in the review queue (the model flagged it) and, slightly, each
    member beyond the first; that part shrinks by the share of members dismissed. Then each confirmed,
    escalated or referred member multiplies what is left (``DECISION_FACTORS``): one referral alone
    gives 0.5, one confirmation 0.4, and the score never falls when another member is confirmed or
    referred. Dismissals cannot lower what confirmations raised.
    """
    weak = 1.0 - (0.9**queued) * (0.99 ** max(size - 1, 0))
    weak *= 1.0 - min(decisions.get("dismiss", 0), size) / max(size, 1)
    rest = 1.0 - weak
    for action, factor in DECISION_FACTORS.items():
        rest *= factor ** decisions.get(action, 0)
    return round(1.0 - rest, 6)


def refresh(session: Session, network_ids: Iterable[int]) -> int:
    """Recompute the summaries (and risk) of these networks from their members; returns how many."""
    ids = sorted(set(network_ids))
    stats = store_networks.summary_stats(session, ids)
    rows: dict[int, dict[str, Any]] = {}
    for n in ids:
        s = stats.get(n) or {"size": 0}
        if s["size"] >= 2:
            s["risk"] = risk_score(s["size"], s["decisions"], s["queued"])
        rows[n] = s
    store_networks.save_networks(session, rows)
    return sum(1 for s in rows.values() if s["size"] >= 2)


def refresh_stale(session: Session) -> int:
    """Refresh the networks whose members were decided (or undone) since their summary was written."""
    return refresh(session, store_networks.stale_networks(session))


# ----------------------------------------------------------------------------------------------- #
# Linking
# ----------------------------------------------------------------------------------------------- #


class _UnionFind:
    """Union-find over hashable nodes (path halving, no ranks: batches are small)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


@dataclass
class LinkResult:
    """What one linking run did."""

    posts: int = 0
    links: int = 0
    merged: int = 0
    split: int = 0
    newly_common: int = 0
    networks_touched: set[int] = field(default_factory=set)


def post_entities(post: LinkPost, config: LinkConfig) -> list[tuple[str, str, str | None]]:
    """(kind, value_hash, label) of one post: its contacts (hashed), its author and its cluster."""
    out: list[tuple[str, str, str | None]] = [
        (e.kind, entity_hash(e.kind, e.value, config.key), e.label or None)
        for e in extract_entities(post.text, config.region)
    ]
    if post.author_hash:
        out.append(("author", post.author_hash, None))
    if post.cluster_id is not None:
        out.append(("cluster", str(post.cluster_id), None))
    return out


def _update_counters(
    session: Session,
    rows: Mapping[tuple[str, str], EntityRow],
    batch_links: Mapping[tuple[str, str], list[LinkPost]],
    config: LinkConfig,
) -> list[int]:
    """New counts, first/last seen and common flags of the batch's entities; returns the newly common."""
    authors = store_networks.entity_authors(session, [r.id for r in rows.values() if not r.common])
    updated: list[EntityRow] = []
    newly_common: list[int] = []
    for key, row in rows.items():
        posts = batch_links[key]
        times = [p.seen_at for p in posts if p.seen_at is not None]
        first = min([t for t in (row.first_seen, *times) if t is not None], default=None)
        last = max([t for t in (row.last_seen, *times) if t is not None], default=None)
        n_posts = row.posts + len(posts)
        n_authors = authors.get(row.id, row.authors)
        common, reason = row.common, row.common_reason
        if not common:
            if key in config.allow_listed:
                reason = "allow_list"
            elif n_authors > config.degree_cap:
                reason = "authors"
            elif n_posts > config.post_cap:
                reason = "posts"
            if reason:
                common = True
                newly_common.append(row.id)
        updated.append(
            row._replace(
                posts=n_posts, authors=n_authors, common=common, common_reason=reason, first_seen=first, last_seen=last
            )
        )
    store_networks.update_entities(session, updated)
    return newly_common


def _split(session: Session, entity_ids: Sequence[int], result: LinkResult) -> None:
    """Re-link, without their (now common) entities, the networks those entities had merged."""
    carriers = [p for ps in store_networks.entity_posts(session, entity_ids).values() for p in ps]
    candidates = sorted(set(store_networks.networks_of_posts(session, carriers).values()))
    sizes = store_networks.network_sizes(session, candidates)
    for network_id in (n for n in candidates if sizes[n] >= 2):
        members = store_networks.members(session, network_id)
        if len(members) < 2:
            continue
        uf = _UnionFind()
        for p in members:
            uf.find(("p", p))
        for p, e in store_networks.post_links(session, members, linking_only=True):
            uf.union(("p", p), ("e", e))
        groups: dict[Any, list[int]] = {}
        for p in members:
            groups.setdefault(uf.find(("p", p)), []).append(p)
        if len(groups) == 1:
            continue
        moves: dict[int, int] = {}
        for posts in groups.values():
            new_id = network_id if network_id in posts else min(posts)
            result.networks_touched.add(new_id)
            moves.update({p: new_id for p in posts if new_id != network_id})
        store_networks.set_members(session, moves)
        result.split += len(groups) - 1
        result.networks_touched.add(network_id)


def link_batch(session: Session, posts: Sequence[LinkPost], config: LinkConfig) -> LinkResult:
    """Link new (never linked) posts into networks, in the caller's transaction."""
    result = LinkResult(posts=len(posts))
    if not posts:
        return result
    per_post = {p.id: post_entities(p, config) for p in posts}
    batch_links: dict[tuple[str, str], list[LinkPost]] = {}
    for p in posts:
        for kind, value_hash, _ in per_post[p.id]:
            batch_links.setdefault((kind, value_hash), []).append(p)
    rows = store_networks.upsert_entities(session, list(batch_links), config.allow_listed)
    links = [(p.id, rows[(k, h)].id, label) for p in posts for k, h, label in per_post[p.id]]
    store_networks.add_links(session, links)
    result.links = len(links)
    newly_common = _update_counters(session, rows, batch_links, config)
    result.newly_common = len(newly_common)
    common = {rows[k].id for k in rows if rows[k].common} | set(newly_common)

    linking = {p.id: [rows[(k, h)].id for k, h, _ in per_post[p.id] if rows[(k, h)].id not in common] for p in posts}
    existing = store_networks.entity_networks(session, sorted({e for es in linking.values() for e in es}))
    uf = _UnionFind()
    for pid, entity_ids in linking.items():
        uf.find(("p", pid))
        for e in entity_ids:
            uf.union(("p", pid), ("e", e))
            for n in existing.get(e, ()):
                uf.union(("e", e), ("n", n))
    components: dict[Any, tuple[list[int], list[int]]] = {}
    for pid in linking:
        components.setdefault(uf.find(("p", pid)), ([], []))[0].append(pid)
    for network_id in {n for ns in existing.values() for n in ns}:
        components[uf.find(("n", network_id))][1].append(network_id)
    sizes = store_networks.network_sizes(session, sorted({n for _, ns in components.values() for n in ns}))
    new_members: dict[int, int] = {}
    moves: dict[int, int] = {}
    for new_posts, old_networks in components.values():
        if old_networks:
            survivor = min(old_networks, key=lambda n: (-sizes[n], n))
            moves.update({n: survivor for n in old_networks if n != survivor})
        else:
            survivor = min(new_posts)
        new_members.update({p: survivor for p in new_posts})
        if old_networks or len(new_posts) > 1:  # a new lone post has no summary to write
            result.networks_touched.add(survivor)
    store_networks.move_members(session, moves)
    store_networks.add_members(session, new_members)
    result.merged = len(moves)
    if newly_common:
        _split(session, newly_common, result)
    refresh(session, result.networks_touched)
    return result


def _add(total: LinkResult, part: LinkResult) -> None:
    total.posts += part.posts
    total.links += part.links
    total.merged += part.merged
    total.split += part.split
    total.newly_common += part.newly_common
    total.networks_touched |= part.networks_touched


def link_pending(batch_size: int = BATCH, config: LinkConfig | None = None, from_start: bool = False) -> LinkResult:
    """Link every post not linked yet, batch by batch (one transaction each); then refresh stale summaries.

    Looks for unlinked posts from ``ID_SLACK`` below the highest linked id (``from_start``: from the
    first post), so a run over a large store reads only its recent end.
    """
    config = config or LinkConfig.from_settings()
    total = LinkResult()
    with session_scope() as session:
        after = 0 if from_start else max(0, store_networks.max_linked_post(session) - ID_SLACK)
    while True:
        with session_scope() as session:
            posts = store_networks.unlinked_posts(session, after_id=after, limit=batch_size)
            if not posts:
                break
            _add(total, link_batch(session, posts, config))
            after = posts[-1].id
    with session_scope() as session:
        refresh_stale(session)
    return total


def rebuild(batch_size: int = BATCH, config: LinkConfig | None = None) -> LinkResult:
    """Forget every link and network and link all stored posts again (after an allow-list or cap change)."""
    with session_scope() as session:
        store_networks.clear(session)
    return link_pending(batch_size, config, from_start=True)
