"""Claim + decide latency with a large queue, on SQLite and PostgreSQL (goal p99 < 50 ms).

Fills a fresh database with N queued posts (default 100,000), then one moderator repeatedly claims
the top item (``review.service.claim_next``, one transaction) and confirms it
(``review.service.decide``, one transaction, with its decision and audit rows). Times are wall
clock per transaction, measured here; nothing is simulated.

    .venv/bin/python bench/queue_latency.py --items 100000 --ops 500 [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import add_pg_option, backends, fresh_database, markdown_table, pct

from review import service
from review.auth import hash_password
from store.db import make_engine, session_scope
from store.posts import insert_posts
from store.queue import QUEUE, rank_for
from store.schema import Post, utcnow
from store.users import create_user


def fill(engine: Engine, n: int) -> None:
    """N posts and N open queue items (priorities spread, enqueue times over the last day)."""
    now = utcnow()
    chunk = 10_000
    for start in range(0, n, chunk):
        with session_scope(engine) as s:
            rows = [
                {
                    "source": "bench",
                    "external_id": f"b{i}",
                    "content_hash": f"{i:064d}",
                    "text": f"bench post {i}: are you in grade 8? phone credit",
                    "lang": "en",
                    "ingested_at": now,
                }
                for i in range(start, min(n, start + chunk))
            ]
            insert_posts(s, rows)
            ids = list(
                s.execute(select(Post.id).where(Post.external_id.in_([r["external_id"] for r in rows]))).scalars()
            )
            items = []
            for pid in ids:
                prio = ((pid * 7919) % 1000) / 1000
                enq = now - timedelta(minutes=(pid * 31) % 1440)
                items.append(
                    {
                        "post_id": pid,
                        "labels": ["grooming"],
                        "max_probability": prio,
                        "priority": prio,
                        "model_version": "bench",
                        "status": "open",
                        "enqueued_at": enq,
                        "rank": rank_for(prio, enq),
                    }
                )
            s.execute(insert(QUEUE), items)


def run(url: str, n: int, ops: int) -> dict[str, float]:
    """The measurements, in the fresh (migrated) database at ``url``."""
    engine = make_engine(url)
    t0 = time.perf_counter()
    fill(engine, n)
    fill_s = time.perf_counter() - t0
    with session_scope(engine) as s:
        user = create_user(s, "bench", hash_password("bench-password-123"), "moderator")
        s.expunge(user)
    claim, decide, both = [], [], []
    for _ in range(ops):
        a = time.perf_counter()
        with session_scope(engine) as s:
            item = service.claim_next(s, user)
        b = time.perf_counter()
        assert item is not None
        with session_scope(engine) as s:
            service.decide(s, user, item, "confirm")
        c = time.perf_counter()
        claim.append((b - a) * 1000)
        decide.append((c - b) * 1000)
        both.append((c - a) * 1000)
    engine.dispose()
    return {
        "fill_s": fill_s,
        "claim_p50": statistics.median(claim),
        "claim_p99": pct(claim, 99),
        "decide_p50": statistics.median(decide),
        "decide_p99": pct(decide, 99),
        "both_p50": statistics.median(both),
        "both_p99": pct(both, 99),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--ops", type=int, default=500)
    add_pg_option(ap)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="queue-bench-") as tmp:
        for backend in backends(args.pg):
            with fresh_database(backend, Path(tmp) / "bench.db", args.pg) as url:
                results[backend] = run(url, args.items, args.ops)
    print(f"{args.items} queued items, {args.ops} claim+decide cycles (ms per transaction)")
    cycle = ["claim p50", "claim p99", "decide p50", "decide p99", "claim+decide p50", "claim+decide p99"]
    keys = ["claim_p50", "claim_p99", "decide_p50", "decide_p99", "both_p50", "both_p99"]
    rows = [[db, f"{r['fill_s']:.1f}", *(f"{r[k]:.2f}" for k in keys)] for db, r in results.items()]
    print(markdown_table(["database", "fill (s)", *cycle], rows))


if __name__ == "__main__":
    main()
