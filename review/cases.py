"""Cases: a network of linked posts reviewed as one, for leads (the case pages and the item page panels).

Why a separate module from ``review.service``: a case decision applies the review rules to many
queue items at once, and the case page shows what the network shares without ever showing a
contact value. The rules here:

* **What a case decision records.** There is no case-decision table: a lead's decision on a case is
  recorded as an ordinary decision on every member whose queue item is still waiting (``open`` or
  ``escalated``), so undo, referral approval, the weekly counts and the network's risk score all
  keep working from the one ``decisions`` table. Members already decided (or held by another
  reviewer) keep their decision: a case decision never overrides another reviewer's. Members the
  model never queued have no queue item and get no decision row. One ``case_decide`` audit row names
  the case and the items it covered, and each item gets its own ``decide_*`` row, as from the item page.
* **Referral.** "Refer case" is a referral *request* on each waiting member: as everywhere else a
  referral needs a second reviewer, who approves it per item.
* **Entity values.** They are not stored (only keyed hashes), so the page shows an entity's kind,
  label (app, country, provider) and how many members carry it; the value itself is seen only by
  revealing a member's text, where contact indicators are highlighted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cases.linking import refresh
from review import service
from review.evidence import sha256_text
from review.routing import boost_networks
from store import audit, case_reads, decisions, queue
from store import networks as store_networks
from store.schema import Network, Post, User, utcnow

CASE_ACTIONS = ("confirm", "refer", "dismiss")
WAITING = ("open", "escalated")
PAGE_SIZE = 50
GRAPH_POSTS = 60  # nodes drawn for the case graph; a bigger case is drawn in part and says so
GRAPH_ENTITIES = 30
HISTORY_LIMIT = 20


class CaseError(service.ReviewError):
    """A case action that cannot be done (unknown case, unknown action); a 409 like every review refusal."""


def _seen(post: Post) -> datetime | None:
    return post.created_at or post.ingested_at


def summary(net: Network) -> dict[str, Any]:
    """What the item page and the case list show of a network: no text, no entity value."""
    return {
        "id": net.id,
        "size": net.size,
        "authors": net.authors,
        "first_seen": net.first_seen,
        "last_seen": net.last_seen,
        "sources": list(net.sources),
        "platforms": list(net.platforms),
        "languages": list(net.languages),
        "decisions": dict(net.decisions),
        "queued": net.queued,
        "risk": float(net.risk),
        "entity_kinds": dict(net.entity_kinds),
    }


PANEL_MEMBERS = 10


def network_panel(session: Session, post_id: int) -> dict[str, Any] | None:
    """The item page's network summary with its first members, or None when the post is alone.

    The members are listed as on the case page (date, partner, queue item, decision) without text;
    each one's text is behind its own item page's reveal, which applies the reader's access rules.
    """
    nid = store_networks.network_of_post(session, post_id)
    net = store_networks.get_network(session, nid) if nid is not None else None
    if net is None:
        return None
    posts = store_networks.network_posts(session, net.id, limit=PANEL_MEMBERS)
    items = queue.items_of_posts(session, [p.id for p in posts])
    latest = decisions.latest_by_post(session, [p.id for p in posts])
    members = [
        {
            "id": p.id,
            "seen": _seen(p),
            "source": p.source,
            "platform": p.platform,
            "item": items[p.id].id if p.id in items else None,
            "decision": latest.get(p.id),
            "this": p.id == post_id,
        }
        for p in posts
    ]
    return {**summary(net), "members": members}


def author_panel(session: Session, post_id: int) -> dict[str, Any]:
    """The same author's other posts: dates, sources, decisions and queue links, never their text.

    Each other post's text stays behind its own item page's reveal (audited, counted as exposure), so
    this panel adds no way to read text without a reveal.
    """
    rows = store_networks.author_history(session, post_id, limit=HISTORY_LIMIT + 1)
    items = queue.items_of_posts(session, [p.id for p, _ in rows[:HISTORY_LIMIT]])
    posts = [
        {
            "id": p.id,
            "seen": _seen(p),
            "source": p.source,
            "platform": p.platform,
            "lang": p.lang,
            "decision": action,
            "item": items[p.id].id if p.id in items else None,
            "status": items[p.id].status if p.id in items else None,
        }
        for p, action in rows[:HISTORY_LIMIT]
    ]
    by_decision: dict[str, int] = {}
    for p in posts:
        key = str(p["decision"] or "none")
        by_decision[key] = by_decision.get(key, 0) + 1
    return {"posts": posts, "more": len(rows) > HISTORY_LIMIT, "by_decision": by_decision}


def get_case(session: Session, network_id: int) -> Network:
    """The case's summary row; KeyError for an unknown id or a lone post (the page answers 404)."""
    net = store_networks.get_network(session, network_id)
    if net is None:
        raise KeyError(network_id)
    return net


def members_page(session: Session, network_id: int, page: int) -> list[dict[str, Any]]:
    """One page of members, oldest first, with their queue item and latest decision (no text)."""
    posts = store_networks.network_posts(session, network_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    ids = [p.id for p in posts]
    items = queue.items_of_posts(session, ids)
    latest = decisions.latest_by_post(session, ids)
    return [{"post": p, "seen": _seen(p), "item": items.get(p.id), "decision": latest.get(p.id)} for p in posts]


def decide_case(
    session: Session, user: User, network_id: int, action: str, labels: Sequence[str] = (), note: str | None = None
) -> list[int]:
    """Record ``action`` on every waiting member of the case; returns the queue items decided.

    See the module docstring for why it is per member. The network's summary and risk are
    refreshed in the same transaction, and the network's waiting members get their queue priority
    lifted when the case is now confirmed or referred (``review.routing.boost_networks``).
    """
    if action not in CASE_ACTIONS:
        raise CaseError(f"unknown case action {action!r}")
    if user.role != "lead":
        raise CaseError("only leads decide cases")
    bad = [lb for lb in labels if lb not in service.LABELS]
    if bad:
        raise CaseError(f"unknown labels {bad}")
    if store_networks.get_network(session, network_id) is None:
        raise CaseError("no such case")
    members = store_networks.members(session, network_id)
    items = queue.items_of_posts(session, members)
    waiting = sorted(it.id for it in items.values() if it.status in WAITING)
    now = utcnow()
    done = queue.set_status(session, waiting, service.NEXT_STATUS[action], only_from=list(WAITING), now=now)
    kind = service.DECISION_ACTION[action]
    own = {it.id: list(it.labels) for it in items.values()}
    for item_id in done:
        chosen = [] if action == "dismiss" else list(labels) or own.get(item_id, [])
        decisions.add_decisions(session, [item_id], user.id, kind, chosen, note, at=now)
    detail: dict[str, Any] = {
        "action": action,
        "labels": list(labels),
        "items": done,
        "members": len(members),
        "kept": len(items) - len(done),
    }
    if action == "refer":  # what was referred, as it stood then (hashes and links, no text)
        detail["evidence"] = case_evidence(session, network_id)
    audit.record(session, user.id, "case_decide", "network", str(network_id), detail)
    for item_id in done:
        audit.record(
            session, user.id, f"decide_{kind}", "queue_item", str(item_id), {"action": action, "case": network_id}
        )
    session.flush()
    refresh(session, [network_id])
    boost_networks(session, [network_id])
    return done


def case_evidence(session: Session, network_id: int) -> dict[str, Any]:
    """The case's evidence package: every member's text SHA-256, times, sources, and what links them.

    It carries no post text and no entity value: a recipient checks each member against the item
    evidence (or the partner's copy) by its SHA-256, and sees that two members share *an* entity of a
    kind, identified only by an opaque id within this package.
    """
    net = get_case(session, network_id)
    posts = store_networks.network_posts(session, network_id, limit=max(net.size, 1))
    ids = [p.id for p in posts]
    items = queue.items_of_posts(session, ids)
    latest = decisions.latest_by_post(session, ids)
    shared = store_networks.shared_entities(session, network_id, min_members=1)
    kinds = {e.entity_id: e for e in shared}
    links = store_networks.post_links(session, ids)
    return {
        "package_version": 1,
        "generated_at": utcnow().isoformat(),
        "case_id": network_id,
        "summary": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in summary(net).items()},
        "members": [
            {
                "post_id": p.id,
                "source": p.source,
                "external_id": p.external_id,
                "url": p.url,
                "platform": p.platform,
                "lang": p.lang,
                "created_at": p.created_at.isoformat() if p.created_at else None,
                "ingested_at": p.ingested_at.isoformat() if p.ingested_at else None,
                "sha256": sha256_text(p.text),
                "queue_item_id": items[p.id].id if p.id in items else None,
                "decision": latest.get(p.id),
            }
            for p in posts
        ],
        "entities": [
            {"id": e.entity_id, "kind": e.kind, "labels": list(e.labels), "members": e.members, "common": e.common}
            for e in shared
        ],
        "links": [
            {"post_id": p, "entity_id": e, "kind": kinds[e].kind if e in kinds else None} for p, e in sorted(links)
        ],
    }


TIMELINE_BARS = 26


def timeline(session: Session, network_id: int, width: int = 560, height: int = 80) -> dict[str, Any]:
    """Members over time as bars for an inline SVG: how many were seen per week (or wider bins).

    A recruitment operation shows as bursts (a campaign) or a steady stream; a lead reads that at a
    glance before paging through the members. At most ``TIMELINE_BARS`` bars: a case that spans
    longer gets bins of several weeks, and the bin width is said under the chart.
    """
    times = case_reads.member_times(session, network_id)
    if not times:
        return {"bars": [], "width": width, "height": height, "weeks": 1, "start": None, "end": None}
    start = times[0] - timedelta(
        days=times[0].weekday(),
        hours=times[0].hour,
        minutes=times[0].minute,
        seconds=times[0].second,
        microseconds=times[0].microsecond,
    )
    weeks = int((times[-1] - start) / timedelta(weeks=1)) + 1
    per = -(-weeks // TIMELINE_BARS)
    counts = [0] * (-(-weeks // per))
    for t in times:
        counts[int((t - start) / timedelta(weeks=per))] += 1
    top, w = max(counts), width / len(counts)
    bars = [
        {
            "x": round(i * w + 1, 1),
            "w": round(max(w - 2, 1), 1),
            "h": round((height - 14) * n / top, 1),
            "y": round(height - (height - 14) * n / top, 1),
            "n": n,
            "from": (start + timedelta(weeks=per * i)).strftime("%Y-%m-%d"),
        }
        for i, n in enumerate(counts)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "weeks": per,
        "start": start.strftime("%Y-%m-%d"),
        "end": times[-1].strftime("%Y-%m-%d"),
    }


KIND_COLOURS = {
    "phone": "#b3261e",
    "handle": "#6a1b9a",
    "url": "#1565c0",
    "domain": "#0277bd",
    "email": "#2e7d32",
    "wallet": "#ef6c00",
    "author": "#5d4037",
    "cluster": "#455a64",
}
DECISION_COLOURS = {
    "confirm": "#b3261e",
    "refer": "#7b1fa2",
    "refer_request": "#7b1fa2",
    "escalate": "#ef6c00",
    "dismiss": "#9e9e9e",
}


def case_graph(session: Session, network_id: int, size: int = 560) -> dict[str, Any]:
    """Node and edge coordinates of the case graph, drawn by the template as inline SVG.

    Why server-side and this simple: no JS library or CDN on a page that shows grooming cases, and a
    picture a lead reads at a glance. Members go on an outer ring (oldest at the top, clockwise),
    the entities they share on an inner ring; at most ``GRAPH_POSTS`` members (the oldest) and
    ``GRAPH_ENTITIES`` entities (the most shared) are drawn, and ``capped`` says so. Node titles
    carry ids, kinds and labels only.
    """
    posts = store_networks.network_posts(session, network_id, limit=GRAPH_POSTS)
    ids = [p.id for p in posts]
    latest = decisions.latest_by_post(session, ids)
    shared = store_networks.shared_entities(session, network_id)[:GRAPH_ENTITIES]
    net = get_case(session, network_id)
    centre, outer, inner = size / 2, size / 2 - 24, size / 4
    pos: dict[tuple[str, int], tuple[float, float]] = {}
    nodes: list[dict[str, Any]] = []
    for i, p in enumerate(posts):
        a = 2 * math.pi * i / max(len(posts), 1) - math.pi / 2
        x, y = round(centre + outer * math.cos(a), 1), round(centre + outer * math.sin(a), 1)
        pos[("p", p.id)] = (x, y)
        nodes.append(
            {
                "x": x,
                "y": y,
                "r": 6,
                "kind": "post",
                "title": f"post {p.id}",
                "colour": DECISION_COLOURS.get(latest.get(p.id) or "", "#ffffff"),
            }
        )
    for i, e in enumerate(shared):
        a = 2 * math.pi * i / max(len(shared), 1) - math.pi / 2
        x, y = round(centre + inner * math.cos(a), 1), round(centre + inner * math.sin(a), 1)
        pos[("e", e.entity_id)] = (x, y)
        label = f"{e.kind}{' (' + ', '.join(e.labels) + ')' if e.labels else ''}: {e.members}"
        nodes.append(
            {
                "x": x,
                "y": y,
                "r": 5 + min(e.members, 40) / 4,
                "kind": e.kind,
                "title": label + (" · common" if e.common else ""),
                "colour": "#bdbdbd" if e.common else KIND_COLOURS.get(e.kind, "#000000"),
            }
        )
    edges = [
        {"x1": pos[("p", p)][0], "y1": pos[("p", p)][1], "x2": pos[("e", e)][0], "y2": pos[("e", e)][1]}
        for p, e in store_networks.post_links(session, ids)
        if ("e", e) in pos
    ]
    return {
        "size": size,
        "nodes": nodes,
        "edges": edges,
        "posts_drawn": len(posts),
        "posts": net.size,
        "entities_drawn": len(shared),
        "capped": net.size > len(posts),
    }
