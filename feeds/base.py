"""What every connector returns: batches of good records, rejects with reasons, and a cursor.

Connectors never write anywhere. They read from the cursor they are given and yield ``Batch``es;
the flow stores each batch together with its ``cursor`` in one transaction, so the stored cursor
can never point past records that were not committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from feeds.records import PostRecord
from store.posts import QuarantineItem as Reject

__all__ = ["Batch", "Connector", "FeedError", "Reject"]


@dataclass
class Batch:
    """One unit of work: store ``records`` and ``rejects`` and move to ``cursor`` in one transaction.

    ``cursor`` None means "do not move the cursor" (a batch that ends mid-way through a unit the
    connector cannot resume inside).
    """

    records: list[PostRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)  # (raw payload, reason, where, key)
    cursor: str | None = None
    failure: str | None = None  # the feed stopped here for good; the flow reports it after storing the batch

    def __len__(self) -> int:
        return len(self.records) + len(self.rejects)


class FeedError(RuntimeError):
    """A feed could not be read any further (after retries); what was already yielded stays valid."""


class Connector(Protocol):
    """A partner feed reader: batches from ``cursor`` (None: from the beginning) onwards."""

    source: str

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches in feed order; each batch's cursor resumes right after it."""
        ...
