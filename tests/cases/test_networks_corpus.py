"""What issue #30 must show: 20 networks hidden among 20,000 posts are recovered, decoys not merged.

The corpus (``tests/support/networks_corpus.py``) is generated: no real number, handle or name. Posts are
linked incrementally in batches of 2,000, in time order, as the pipeline would; the company numbers
cross the degree cap part-way, so the networks they had merged are split again on the way.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from cases.linking import LinkConfig, link_pending, load_allow_list
from store.db import session_scope
from store.posts import insert_posts
from store.schema import Entity, NetworkMember, Post
from tests.support.networks_corpus import Corpus, generate, pairwise

KEY = "test-key"


def _recover(corpus: Corpus, tmp_path: Path) -> dict[str, int]:
    allow = tmp_path / "allow.yaml"
    allow.write_text(
        "phone:\n" + "".join(f'  - {{value: "{h}", name: test hotline}}\n' for h in corpus.hotlines), encoding="utf-8"
    )
    config = LinkConfig(KEY, degree_cap=50, post_cap=1000, allow_listed=load_allow_list(allow, KEY))
    with session_scope() as s:
        insert_posts(s, corpus.rows)
    start = time.perf_counter()
    result = link_pending(batch_size=2000, config=config)
    seconds = time.perf_counter() - start
    print(
        f"\nlinked {result.posts} posts in {seconds:.1f} s: {result.merged} merges, {result.split} splits, "
        f"{result.newly_common} entities became common"
    )
    with session_scope() as s:
        return {
            ext: int(n)
            for ext, n in s.execute(
                select(Post.external_id, NetworkMember.network_id).join(NetworkMember, NetworkMember.post_id == Post.id)
            )
        }


def _check(corpus: Corpus, predicted: dict[str, int]) -> None:
    assert len(predicted) == len(corpus.rows)
    precision, recall, true_pairs, pred_pairs = pairwise(corpus.truth, predicted)
    planted = sorted({n for n in corpus.truth.values() if n >= 0})
    print(
        f"{len(corpus.rows)} posts, {len(planted)} planted networks "
        f"({sum(1 for n in corpus.truth.values() if n >= 0)} posts, {true_pairs} pairs); "
        f"pairwise precision {precision:.4f}, recall {recall:.4f} ({pred_pairs} predicted pairs)"
    )
    for net in planted:
        members = [e for e, n in corpus.truth.items() if n == net]
        found = {predicted[e] for e in members}
        biggest = max(sum(1 for e in members if predicted[e] == f) for f in found)
        print(
            f"  network {net:2d}: {len(members):3d} posts -> {len(found)} predicted network(s), largest holds {biggest}"
        )
    assert precision >= 0.95 and recall >= 0.95
    # Decoys: no predicted network holds two planted networks, or a planted one plus decoy-only posts.
    by_pred: dict[int, set[int]] = {}
    for ext, p in predicted.items():
        by_pred.setdefault(p, set()).add(corpus.truth[ext])
    mixed = [nets for nets in by_pred.values() if len({n for n in nets if n >= 0}) > 1]
    assert not mixed, f"{len(mixed)} predicted networks merge planted networks"
    assert not [nets for nets in by_pred.values() if len(nets) > 1 and any(n >= 0 for n in nets)], (
        "a planted network took in posts that are not its own"
    )
    with session_scope() as s:
        reasons = dict(s.execute(select(Entity.common_reason, Entity.id).where(Entity.common.is_(True))).all())
        assert set(reasons) == {"allow_list", "authors"}  # the hotlines, the company numbers


def test_networks_recovered_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    start = time.perf_counter()
    corpus = generate(20_000, 20, KEY)
    _check(corpus, _recover(corpus, tmp_path))
    assert time.perf_counter() - start < 60


@pytest.mark.timeout(300)
def test_networks_recovered_postgresql(pg_url: str, tmp_path: Path) -> None:
    corpus = generate(20_000, 20, KEY)
    _check(corpus, _recover(corpus, tmp_path))
