"""What every connector returns: batches of good records, rejects with reasons, and a cursor."""

from __future__ import annotations

from dataclasses import dataclass, field

from feeds.records import PostRecord


@dataclass
class Batch:
    """One unit of work: store ``records`` and ``rejects`` and move to ``cursor`` in one transaction."""

    records: list[PostRecord] = field(default_factory=list)
    rejects: list[tuple[str, str]] = field(default_factory=list)  # (raw payload, reason)
    cursor: str | None = None
