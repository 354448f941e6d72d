"""Near-duplicate clustering with MinHash LSH (datasketch) over normalised-text shingles.

Why in ``features``: a cluster is a property of the post text alone, computed from the same
``normalise`` the rest of the features use (so two spellings that render the same are the same);
the band index is kept in the database through ``store.clusters``, the layer below. The Prefect
wrapper (one task per batch) is ``flows.pipeline.cluster_flow``. Band keys follow datasketch's
``MinHashLSH`` banding (its optimal ``b × r`` for the threshold), hashed to short strings so the
index is an ordinary table: any process can resume clustering with no in-memory state, and it
never has to be rebuilt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from features.normalise import normalise
from store.clusters import lookup_bands, save_clustering, unclustered_posts
from store.db import session_scope

SHINGLE = 5
NUM_PERM = 64
THRESHOLD = 0.6
SEED = 1


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Character ``k``-grams of the normalised text (Khmer has no spaces, so words will not do)."""
    norm = normalise(text)
    if len(norm) <= k:
        return {norm.encode("utf-8")}
    return {norm[i : i + k].encode("utf-8") for i in range(len(norm) - k + 1)}


@dataclass(frozen=True)
class Banding:
    """How a signature is cut into LSH bands (from datasketch's optimiser for the threshold)."""

    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def for_threshold(cls, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> Banding:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        return cls(tuple((int(a), int(b)) for a, b in lsh.hashranges))

    def keys(self, sig: MinHash) -> list[str]:
        """One key per band: band number + 64-bit digest of that band's hash values."""
        values = np.asarray(sig.hashvalues, dtype=np.uint64)
        return [
            f"{n:02d}{hashlib.blake2b(values[a:b].tobytes(), digest_size=8).hexdigest()}"
            for n, (a, b) in enumerate(self.ranges)
        ]


def signature(text: str) -> MinHash:
    """The MinHash of a text's shingles (seeded, so every process computes the same one)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch(list(shingles(text)))
    return m


def assign(
    posts: list[tuple[int, str]], existing: dict[str, int], keys_of: dict[int, list[str]]
) -> tuple[dict[int, int], list[int], dict[str, int], dict[int, int]]:
    """Cluster one batch: a post joins the oldest cluster sharing a band key, else starts one.

    A post that shares keys with several clusters bridges them: they are merged into the oldest
    (union-find), so chains of small edits to one template still end in one cluster. Returns
    (post → cluster, new cluster ids, new band key → cluster, merged cluster → surviving cluster).
    """
    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    owners = dict(existing)
    new_owned: dict[str, int] = {}
    assignments: dict[int, int] = {}
    new_clusters: list[int] = []
    for post_id, _ in posts:
        keys = keys_of[post_id]
        candidates = {find(owners[k]) for k in keys if k in owners}
        if candidates:
            cluster = min(candidates)
            for other in candidates - {cluster}:
                parent[other] = cluster
        else:
            cluster = post_id
            new_clusters.append(post_id)
        assignments[post_id] = cluster
        for k in keys:
            if k not in owners:
                owners[k] = cluster
                new_owned[k] = cluster
    merged = {c: find(c) for c in parent if find(c) != c}
    assignments = {p: find(c) for p, c in assignments.items()}
    new_owned = {k: find(c) for k, c in new_owned.items()}
    survivors = [c for c in new_clusters if c not in merged]
    return assignments, survivors, new_owned, merged


def cluster_batch(posts: list[tuple[int, str]], banding: Banding | None = None) -> int:
    """Cluster ``posts`` (id, text) and commit the result in one transaction; returns how many."""
    banding = banding or Banding.for_threshold()
    keys_of = {pid: banding.keys(signature(text)) for pid, text in posts}
    with session_scope() as session:
        existing = lookup_bands(session, [k for ks in keys_of.values() for k in ks])
        assignments, new_clusters, owned, merged = assign(posts, existing, keys_of)
        save_clustering(session, assignments, new_clusters, owned, merged)
    return len(assignments)


def cluster_pending(batch_size: int = 5000, run_batch: Callable[[list[Any]], int] | None = None) -> int:
    """Cluster every post that has no cluster yet, batch by batch; returns how many were clustered.

    ``run_batch`` lets the Prefect flow run each batch as a task; batches stay sequential because
    each one reads the band index the previous one wrote.
    """
    if run_batch is None:
        banding = Banding.for_threshold()

        def run_batch(posts: list[Any]) -> int:
            return cluster_batch(posts, banding)

    done = 0
    while True:
        with session_scope() as session:
            posts = unclustered_posts(session, limit=batch_size)
        if not posts:
            return done
        done += run_batch(posts)
