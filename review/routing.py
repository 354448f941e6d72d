"""Routing scored posts into the review queue.

Priority orders the queue: calibrated risk weighted by label severity (grooming involves a child
in contact now; trafficking ads recruit many). Waiting time is added through the stored claim order
(``store.ranking.rank_for``), so an old item is not starved by a stream of new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

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
    items = [{
        "post_id": f.post_id,
        "labels": list(f.flagged),
        "max_probability": max(f.scores[lb] for lb in f.flagged),
        "priority": round(priority(f.scores, f.flagged), 6),
        "model_version": f.model_version,
        "status": "open",
    } for f in flags if f.flagged]
    return enqueue(session, items)
