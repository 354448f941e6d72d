"""Near-duplicate clusters and their persisted LSH band index.

A templated recruitment ad reposted by fifty accounts should reach a moderator once. The flows
compute MinHash band keys (they may use ``features``; the store may not); this module keeps the
index: ``lsh_bands`` maps each band key to the cluster that first owned it, ``posts.cluster_id``
says where each post went, ``clusters.size`` how many posts a cluster holds. Each post gets a
cluster (a singleton at first), so "``cluster_id`` is NULL" means "not clustered yet" and a
crashed clustering run simply picks up the posts it had not committed.

A new cluster's id is the id of its first post (its representative): unique, known without a
round trip, and stable across reruns. Only this module writes clusters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from store.schema import Cluster, LshBand, Post
from store.upsert import insert_ignore

BANDS = cast(Table, LshBand.__table__)
CLUSTERS = cast(Table, Cluster.__table__)
POSTS = cast(Table, Post.__table__)
_CHUNK = 500


def unclustered_posts(session: Session, after_id: int = 0, limit: int = 5000) -> list[tuple[int, str]]:
    """(id, text) of posts not yet in a cluster, oldest first."""
    stmt = (
        select(Post.id, Post.text).where(Post.cluster_id.is_(None), Post.id > after_id).order_by(Post.id).limit(limit)
    )
    return [(int(i), str(t)) for i, t in session.execute(stmt)]


def lookup_bands(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """Band key → owning cluster for the keys already in the index."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        found.update(
            {
                k: int(c)
                for k, c in session.execute(select(LshBand.key, LshBand.cluster_id).where(LshBand.key.in_(chunk)))
            }
        )
    return found


def save_clustering(
    session: Session,
    assignments: Mapping[int, int],
    new_clusters: Sequence[int],
    band_owners: Mapping[str, int],
    merged: Mapping[int, int] | None = None,
) -> None:
    """Write one batch's outcome (in the caller's transaction).

    ``assignments``: post id → cluster id; ``new_clusters``: cluster ids (= representative post ids)
    created by this batch; ``band_owners``: band keys first seen in this batch → their cluster.
    ``merged``: stored clusters that this batch showed to be one with another (old id → surviving
    id): their posts and band keys move over and the old cluster row is deleted.
    Cluster sizes are recounted from ``posts`` for every cluster the batch touched.
    """
    merged = {int(a): int(b) for a, b in (merged or {}).items()}
    if new_clusters:
        insert_ignore(
            session, CLUSTERS, [{"id": c, "representative_post_id": c, "size": 0} for c in new_clusters], ["id"]
        )
    if assignments:
        stmt = update(POSTS).where(POSTS.c.id == bindparam("pid")).values(cluster_id=bindparam("cid"))
        session.connection().execute(stmt, [{"pid": p, "cid": c} for p, c in assignments.items()])
    rows = [{"key": k, "cluster_id": c} for k, c in band_owners.items()]
    for start in range(0, len(rows), _CHUNK):
        insert_ignore(session, BANDS, rows[start : start + _CHUNK], ["key"])
    if merged:
        conn = session.connection()
        moves = [{"old": a, "new": b} for a, b in merged.items()]
        conn.execute(
            update(POSTS).where(POSTS.c.cluster_id == bindparam("old")).values(cluster_id=bindparam("new")), moves
        )
        conn.execute(
            update(BANDS).where(BANDS.c.cluster_id == bindparam("old")).values(cluster_id=bindparam("new")), moves
        )
        session.execute(delete(CLUSTERS).where(CLUSTERS.c.id.in_(list(merged))))
    touched = sorted(set(assignments.values()) | set(merged.values()))
    for start in range(0, len(touched), _CHUNK):
        chunk = touched[start : start + _CHUNK]
        counts = dict(
            session.execute(
                select(Post.cluster_id, func.count(Post.id)).where(Post.cluster_id.in_(chunk)).group_by(Post.cluster_id)
            ).all()
        )
        session.connection().execute(
            update(CLUSTERS).where(CLUSTERS.c.id == bindparam("cid")).values(size=bindparam("n")),
            [{"cid": c, "n": int(counts.get(c, 0))} for c in chunk],
        )


def cluster_sizes(session: Session, min_size: int = 2, limit: int = 100) -> list[tuple[int, int]]:
    """(cluster id, size) of the biggest clusters with at least ``min_size`` posts."""
    stmt = (
        select(Cluster.id, Cluster.size)
        .where(Cluster.size >= min_size)
        .order_by(Cluster.size.desc(), Cluster.id)
        .limit(limit)
    )
    return [(int(i), int(n)) for i, n in session.execute(stmt)]


def cluster_members(session: Session, cluster_id: int) -> list[int]:
    """Post ids in a cluster."""
    return [int(i) for i in session.scalars(select(Post.id).where(Post.cluster_id == cluster_id).order_by(Post.id))]


def posts_in_cluster(session: Session, cluster_id: int) -> int:
    """How many posts ``cluster_id`` holds, counted from the posts (the item page's "N near-duplicates")."""
    return int(session.scalar(select(func.count(Post.id)).where(Post.cluster_id == cluster_id)) or 0)


def sample_texts(session: Session, cluster_id: int, except_post: int, limit: int = 3) -> list[str]:
    """The text of up to ``limit`` other posts of ``cluster_id`` (shown beside a revealed post)."""
    return list(
        session.execute(
            select(Post.text).where(Post.cluster_id == cluster_id, Post.id != except_post).limit(limit)
        ).scalars()
    )
