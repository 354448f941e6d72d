"""Routing scored posts into the review queue.

Priority orders the queue: calibrated risk weighted by label severity (grooming involves a child
in contact now; trafficking ads recruit many). Waiting time is added through the stored claim order
(``store.ranking.rank_for``), so an old item is not starved by a stream of new ones.

A post linked to a case that reviewers already confirmed or referred goes up (``boost_networks``):
the same phone or handle in a new ad is the strongest sign there is. Linking runs after routing, so
the lift is applied to waiting items once their network is known (the pipeline's link task, and a
case decision).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from store import networks, queue
from store.queue import enqueue

SEVERITY = {"grooming": 1.0, "trafficking_ad": 0.9}


@dataclass(frozen=True)
class Flag:
    """A post that at least one label flagged."""

    post_id: int
    scores: dict[str, float]
    flagged: list[str]
    model_version: str


def priority(scores: dict[str, float], flagged: Sequence[str]) -> float:
    """Severity-weighted risk of the flagged labels, in [0, 1]."""
    return max((scores[lb] * SEVERITY.get(lb, 0.8) for lb in flagged), default=0.0)


def route(session: Session, flags: Sequence[Flag]) -> int:
    """Queue every flagged post once; returns how many were newly queued."""
    items = [
        {
            "post_id": f.post_id,
            "labels": list(f.flagged),
            "max_probability": max(f.scores[lb] for lb in f.flagged),
            "priority": round(priority(f.scores, f.flagged), 6),
            "model_version": f.model_version,
            "status": "open",
        }
        for f in flags
        if f.flagged
    ]
    return enqueue(session, items)


CONFIRMED = ("confirm", "refer", "refer_request")


def network_priority(base: float, risk: float) -> float:
    """Priority of a waiting item in a confirmed or referred network: its own, lifted by the risk.

    ``1 − (1 − base) × (1 − risk)``: never lower than either, below 1, and the same answer however
    often it is computed, because ``base`` is the item's own (``base_priority``), not its current one.
    """
    return round(1.0 - (1.0 - min(max(base, 0.0), 1.0)) * (1.0 - min(max(risk, 0.0), 1.0)), 6)


def base_priority(max_probability: float, labels: Sequence[str]) -> float:
    """An item's priority from what is stored on it: its top score at its most severe label's weight."""
    return float(max_probability) * max((SEVERITY.get(lb, 0.8) for lb in labels), default=0.8)


def boost_networks(session: Session, network_ids: Sequence[int] | set[int]) -> list[int]:
    """Lift the waiting members of these networks that reviewers confirmed or referred; returns the items.

    A network counts when any member's latest decision is a confirmation or a referral (request).
    Items only go up (``store.queue.raise_priority``), so running it twice changes nothing.
    """
    raised: list[int] = []
    for nid in sorted(set(network_ids)):
        net = networks.get_network(session, nid)
        if net is None or not any(int(net.decisions.get(a, 0)) for a in CONFIRMED):
            continue
        items = queue.items_of_posts(session, networks.members(session, nid))
        targets = {
            it.id: network_priority(base_priority(it.max_probability, list(it.labels)), float(net.risk))
            for it in items.values()
            if it.status in ("open", "escalated")
        }
        raised += queue.raise_priority(session, targets)
    return raised
