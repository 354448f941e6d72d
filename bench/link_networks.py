"""Network linking throughput: N posts already stored and linked, then 10,000 new ones linked.

What it shows: the cost of linking a batch of new posts does not grow with the posts stored
(``cases.linking`` reads only the entities and networks the new posts touch). For each N the
stored state is bulk-loaded directly (posts, entities, links, memberships, network summaries, as
linking would have left them: networks of 10 posts sharing a phone, 3 authors each, 1 % of posts
quoting an allow-listed hotline), then ``link_pending`` links 10,000 new posts in batches of 5,000:
30 % reuse a stored network's phone (they join and grow it), 30 % share new phones in groups of
five (new networks), 40 % carry no contact. Numbers are in the unassigned +855 50 range.
Printed: wall time, and the CPU time of this process (on SQLite all of the work; on PostgreSQL
without the server's), since the shared machine's load moves wall times by 2x.

Run: ``.venv/bin/python bench/link_networks.py [--stored 0 100000 1000000] [--backend sqlite postgresql]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import fresh_database

KEY = "bench-key"
NEW = 10_000
T0 = datetime(2026, 6, 1, tzinfo=UTC)
HOTLINE = "020000001"


def phone(g: int) -> str:
    """The national number of stored network ``g`` (or of new group ``g`` + 10^6)."""
    return f"05{g % 10_000_000:07d}"


def bulk_load(url: str, n: int, chunk: int = 50_000) -> float:
    """Write ``n`` linked posts as linking would have left them; returns seconds."""
    from sqlalchemy import Table, insert
    from sqlalchemy.engine import Connection

    from features.entities import entity_hash
    from feeds.records import author_hash
    from store.db import get_engine
    from store.schema import Entity, Network, NetworkMember, Post, PostEntity

    start = time.perf_counter()
    engine = get_engine(url)
    tables: dict[str, Table] = {
        m.__tablename__: m.__table__ for m in (Post, Entity, PostEntity, NetworkMember, Network)
    }  # type: ignore[misc]
    hot_hash = entity_hash("phone", "+85520000001", KEY)

    def put(conn: Connection, name: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(tables[name]), rows)

    with engine.begin() as conn:
        if n:
            put(
                conn,
                "entities",
                [
                    {
                        "id": 1,
                        "kind": "phone",
                        "value_hash": hot_hash,
                        "posts": n // 100,
                        "authors": n // 100,
                        "common": True,
                        "common_reason": "allow_list",
                        "first_seen": T0,
                        "last_seen": T0,
                    }
                ],
            )
        for lo in range(0, n, chunk):
            ids = range(lo + 1, min(n, lo + chunk) + 1)
            posts, ents, links, members, nets = [], [], [], [], []
            for i in ids:
                g = (i - 1) // 10
                first = g * 10 + 1
                at = T0 + timedelta(minutes=i)
                author = f"acct{g}_{i % 3}"
                posts.append(
                    {
                        "id": i,
                        "source": "bench",
                        "external_id": str(i),
                        "content_hash": f"h{i}",
                        "text": f"job abroad, call {phone(g)}",
                        "author_hash": author_hash(author, KEY),
                        "created_at": at,
                        "ingested_at": at,
                        "platform": "telegram",
                        "lang": "en",
                        "extras": {},
                    }
                )
                phone_id = 2 + 4 * g
                author_id = phone_id + 1 + (i - first) % 3
                if i == first:
                    ents.append(
                        {
                            "id": phone_id,
                            "kind": "phone",
                            "value_hash": entity_hash("phone", "+855" + phone(g)[1:], KEY),
                            "posts": 10,
                            "authors": 3,
                            "common": False,
                            "common_reason": None,
                            "first_seen": at,
                            "last_seen": at + timedelta(minutes=9),
                        }
                    )
                    for k in range(3):
                        ents.append(
                            {
                                "id": phone_id + 1 + k,
                                "kind": "author",
                                "value_hash": author_hash(f"acct{g}_{(first + k) % 3}", KEY),
                                "posts": 3,
                                "authors": 1,
                                "common": False,
                                "common_reason": None,
                                "first_seen": at,
                                "last_seen": at,
                            }
                        )
                    nets.append(
                        {
                            "id": first,
                            "size": 10,
                            "authors": 3,
                            "first_seen": at,
                            "last_seen": at + timedelta(minutes=9),
                            "sources": ["bench"],
                            "platforms": ["telegram"],
                            "languages": ["en"],
                            "entity_kinds": {"phone": 1},
                            "decisions": {},
                            "queued": 0,
                            "risk": 0.09,
                            "updated_at": at,
                        }
                    )
                links.append({"post_id": i, "entity_id": phone_id, "label": "KH"})
                links.append({"post_id": i, "entity_id": author_id, "label": None})
                if i % 100 == 0:
                    links.append({"post_id": i, "entity_id": 1, "label": "KH"})
                members.append({"post_id": i, "network_id": first})
            put(conn, "posts", posts)
            put(conn, "entities", ents)
            put(conn, "post_entities", links)
            put(conn, "network_members", members)
            put(conn, "networks", nets)
        if engine.dialect.name == "postgresql" and n:
            for table in ("posts", "entities"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - start


def new_posts(n_stored: int, seed: int = 30) -> list[dict[str, Any]]:
    """The 10,000 posts to link: a third join stored networks, a third form new ones, the rest alone."""
    from feeds.records import author_hash

    rng = random.Random(seed)
    rows = []
    groups = max(n_stored // 10, 1)
    for k in range(NEW):
        r = rng.random()
        if r < 0.3 and n_stored:
            contact = f"call {phone(rng.randrange(groups))}"
        elif r < 0.6:
            contact = f"telegram @fake_new_{k // 5} or {phone(10_000_000 - 1 - k // 5)}"
        else:
            contact = "see you at the market"
        if rng.random() < 0.05:
            contact += f" hotline {HOTLINE}"
        at = T0 + timedelta(days=400, minutes=k)
        rows.append(
            {
                "source": "bench-new",
                "external_id": f"n{k}",
                "content_hash": f"n{k}",
                "text": f"work in Bangkok, salary {rng.randrange(400, 1500)}$ {contact}",
                "author_hash": author_hash(f"new{rng.randrange(4000)}", KEY),
                "created_at": at,
                "ingested_at": at,
                "platform": "facebook",
                "lang": "en",
                "extras": {},
            }
        )
    return rows


def run(backend: str, n_stored: int, work: Path) -> dict[str, Any]:
    """Fresh database, bulk-load ``n_stored``, store the new posts, time linking them."""
    from cases.linking import LinkConfig, link_pending
    from store.db import session_scope
    from store.posts import insert_posts

    with fresh_database(backend, work / f"link-{n_stored}.db") as url:
        load_s = bulk_load(url, n_stored)
        with session_scope() as s:
            insert_posts(s, new_posts(n_stored))
        allow = work / "allow.yaml"
        allow.write_text(f'phone:\n  - {{value: "{HOTLINE}"}}\n', encoding="utf-8")
        from cases.linking import load_allow_list

        config = LinkConfig(KEY, allow_listed=load_allow_list(allow, KEY))
        start, cpu_start = time.perf_counter(), time.process_time()
        result = link_pending(5000, config)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        return {
            "backend": backend,
            "stored": n_stored,
            "load_s": round(load_s, 1),
            "linked": result.posts,
            "seconds": round(seconds, 2),
            "posts_per_s": round(result.posts / seconds),
            "client_cpu_s": round(cpu, 2),
            "merged": result.merged,
            "networks_touched": len(result.networks_touched),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, nargs="+", default=[0, 100_000])
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    import flows  # noqa: F401  (Prefect environment)
    from features.entities import extract_entities

    start = time.perf_counter()
    texts = [r["text"] for r in new_posts(100_000)]
    for t in texts:
        extract_entities(t)
    cpu = time.perf_counter() - start
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"# {model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; entity extraction alone: {len(texts) / cpu:,.0f} posts/s"
    )
    work = Path(tempfile.mkdtemp(prefix="chhmam-link-"))
    try:
        for backend in args.backend:
            for n in args.stored:
                print(run(backend, n, work), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
