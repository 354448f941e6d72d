"""Near-duplicate clustering: a templated ad reposted by many accounts becomes one cluster."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select

from features.near_duplicates import cluster_pending
from features.normalise import content_hash
from store.clusters import cluster_members, cluster_sizes
from store.db import session_scope
from store.posts import insert_posts
from store.schema import Cluster, Post

TEMPLATE_EN = (
    "Factory job in Thailand, salary 800 USD per month, free travel and passport, no experience "
    "needed, contact {name} on Telegram {phone} today"
)
TEMPLATE_KM = "ត្រូវការកម្មករធ្វើការនៅរោងចក្រថៃ ប្រាក់ខែ ៨០០ ដុល្លារ ធ្វើលិខិតឆ្លងដែនឱ្យ ទាក់ទង {name} {phone}"
BENIGN = [
    "rice price in the market went up this week",
    "the school holiday starts on Monday",
    "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ",
    "new bus line to Kampot opens",
    "football match result: 2 to 1",
    "temple festival this weekend in our village",
    "how do I renew my ID card?",
]


def _rows(texts: list[str], source: str, start: int) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    return [
        {
            "source": source,
            "external_id": str(start + i),
            "content_hash": content_hash(t),
            "text": t,
            "ingested_at": now,
            "extras": {},
        }
        for i, t in enumerate(texts)
    ]


def _variants(template: str, n: int, rng: random.Random) -> list[str]:
    names = ["Dara", "Sokha", "Vanna", "Srey", "Bopha", "Kosal", "Nary", "Piseth"]
    return [
        template.format(
            name=rng.choice(names), phone=f"0{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        )
        for _ in range(n)
    ]


def test_templated_reposts_form_one_cluster(db_url: str) -> None:
    rng = random.Random(3)
    en, km = _variants(TEMPLATE_EN, 25, rng), _variants(TEMPLATE_KM, 15, rng)
    benign = [f"{b} ({i})" if i % 2 else b for i, b in enumerate(BENIGN * 3)]
    texts = en + km + benign
    order = list(range(len(texts)))
    rng.shuffle(order)
    with session_scope() as s:
        insert_posts(s, _rows([texts[i] for i in order], "a", 0))
    assert cluster_pending(batch_size=16) == len(texts)  # small batches: the index must work across them
    with session_scope() as s:
        pairs = list(s.execute(select(Post.text, Post.cluster_id)))
        assert all(c is not None for _, c in pairs)
        by_text: dict[str, int] = {t: int(c or 0) for t, c in pairs}
        assert len({by_text[t] for t in en}) == 1
        assert len({by_text[t] for t in km}) == 1
        assert by_text[en[0]] != by_text[km[0]]
        big = dict(cluster_sizes(s, min_size=2))
        assert big[by_text[en[0]]] == 25 and big[by_text[km[0]]] == 15
        assert by_text[en[0]] not in {by_text[b] for b in benign}
        # benign posts stay apart from the ads; exact repeats of a benign text share a cluster
        assert len({by_text[b] for b in set(benign)}) >= len(set(BENIGN))
        n_clusters = s.scalar(select(func.count(Cluster.id)))
        assert s.scalar(select(func.sum(Cluster.size))) == len(texts)

    assert cluster_pending() == 0  # nothing left: rerunning changes nothing
    # a later run (new process state) still finds the old cluster through the stored index
    more = _variants(TEMPLATE_EN, 3, rng)
    with session_scope() as s:
        insert_posts(s, _rows(more, "b", 1000))
    assert cluster_pending() == 3
    with session_scope() as s:
        cid = by_text[en[0]]
        assert len(cluster_members(s, cid)) == 28
        assert s.get(Cluster, cid).size == 28  # type: ignore[union-attr]
        assert s.scalar(select(func.count(Cluster.id))) == n_clusters
