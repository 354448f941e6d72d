"""Helpers for the case (network) tests: a queued, linked case of made-up recruitment posts.

Every number is in the unassigned +855 50 range and every handle is ``fake_…``; the texts are
non-explicit recruitment patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cases.linking import LinkConfig, link_pending
from feeds.records import author_hash
from store import networks
from store.db import session_scope
from store.schema import Post, QueueItem
from tests.support.review import seed

KEY = "test-key"
PHONE_FORMS = ("050 111 222", "+855 50 111 222", "០៥០ ១១១ ២២២", "(+855) 50-111-222")
# Every way the seeded case writes its contacts, and their digits: none may reach a page or an export.
VALUES = ("050 111 222", "50111222", "+85550111222", "050111222", "fake_ring_boss", "០៥០ ១១១ ២២២")
TEMPLATES = (
    "Factory work in Thailand, salary 900$, passport paid, call {phone} now #{i}",
    "Girls 16-20 wanted for restaurant job abroad, free travel, contact {phone} or telegram @fake_ring_boss #{i}",
    "បងត្រូវការបុគ្គលិកស្រី ធ្វើការនៅបរទេស ប្រាក់ខែខ្ពស់ ទាក់ទង {phone} #{i}",
    "Easy money for students, no experience, message tg: fake_ring_boss #{i}",
)


@dataclass(frozen=True)
class SeededCase:
    """A linked case: its network id, member post ids and their queue item ids (same order)."""

    network_id: int
    post_ids: list[int]
    item_ids: list[int]
    loner_item: int


def case_text(i: int) -> str:
    """The i-th member's text: one of the templates with one way of writing the shared number."""
    return TEMPLATES[i % len(TEMPLATES)].format(phone=PHONE_FORMS[i % len(PHONE_FORMS)], i=i)


def seed_case(n: int = 6, authors: int = 2) -> SeededCase:
    """``n`` queued posts sharing a phone or handle (``authors`` accounts) plus one unrelated queued post."""
    items = seed(n + 1, texts=[case_text(i) for i in range(n)] + ["Homework help group for grade 9, free"])
    with session_scope() as s:
        rows = s.execute(
            select(QueueItem.id, QueueItem.post_id).where(QueueItem.id.in_(items)).order_by(QueueItem.id)
        ).all()
        post_ids = [int(p) for _, p in rows]
        for k, pid in enumerate(post_ids[:n]):
            s.get(Post, pid).author_hash = author_hash(f"acct{k % authors}", KEY)  # type: ignore[union-attr]
    link_pending(config=LinkConfig(KEY))
    with session_scope() as s:
        nid = networks.network_of_post(s, post_ids[0])
    assert nid is not None
    return SeededCase(nid, post_ids[:n], [int(i) for i, _ in rows[:n]], int(rows[n][0]))
