"""Ingest throughput: parse + validate + deduplicate + store, posts/s on 100,000 records.

Measures the code path of one ingest task (``flows.pipeline.store_batch`` over the drop-folder
connector's batches): JSON parsing and pydantic validation, author HMAC, the content hash of the
normalised text, ``INSERT … ON CONFLICT DO NOTHING`` with the cursor in the same transaction.
The feed holds 1 % repeated ids (dropped as duplicates) and 0.5 % malformed lines (quarantined).
With ``--prefect`` the same work runs through the Prefect ingest flow (tasks of 5,000 records).

Run: ``.venv/bin/python bench/ingest_throughput.py [--n 100000] [--backend sqlite postgresql] [--prefect] [--cluster]``
(``--cluster`` also times MinHash LSH clustering of the stored posts, which is not part of ingest.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import fresh_database

TEXTS = (
    "factory work in Thailand, salary 800 USD, free travel, call 012 345 678",
    "ស្វែងរកកម្មករធ្វើការនៅថៃ ប្រាក់ខែខ្ពស់ ធ្វើលិខិតឆ្លងដែនជូន",
    "rice price in Battambang market today",
    "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញល្ងាចនេះ",
    "school football match on Saturday, everyone welcome",
    "bus schedule to Kampot changed this week",
    "ពិធីបុណ្យភ្ជុំបិណ្ឌនៅវត្តភូមិយើង",
    "new road opened near Siem Reap, traffic is better now",
)


def write_feed(folder: Path, n: int, seed: int = 11) -> tuple[int, int, int]:
    """``n`` lines in 4 JSONL files: unique posts, 1 % repeats, 0.5 % malformed. Returns the counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    t0 = datetime(2026, 11, 20, tzinfo=UTC)
    uniq = dup = bad = 0
    per_file = n // 4
    for f in range(4):
        with open(folder / f"part-{f}.jsonl", "w", encoding="utf-8") as fh:
            for _ in range(per_file if f < 3 else n - 3 * per_file):
                r = rng.random()
                if r < 0.005:
                    fh.write('{"post_id": "cut", "message": "half a line\n')
                    bad += 1
                    continue
                k = rng.randrange(max(uniq, 1)) if r < 0.015 and uniq else uniq
                if k == uniq:
                    uniq += 1
                else:
                    dup += 1
                fh.write(
                    json.dumps(
                        {
                            "post_id": f"p{k:07d}",
                            "message": f"{rng.choice(TEXTS)} {k}",
                            "handle": f"@user{rng.randint(1, 5000)}",
                            "ts": (t0 + timedelta(seconds=k)).isoformat(),
                            "platform": rng.choice(("facebook", "telegram", "tiktok")),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    return uniq, dup, bad


def run(backend: str, folder: Path, use_prefect: bool, work: Path, cluster: bool = False) -> dict[str, object]:
    """Ingest the feed into a fresh database of ``backend``; returns the measured figures."""
    with fresh_database(backend, work / f"bench-{uuid.uuid4().hex[:6]}.db"):
        from flows.partners import Partner
        from flows.pipeline import ingest_flow, store_batch
        from store.db import session_scope
        from store.posts import count_posts, count_quarantine

        partner = Partner(
            name="bench",
            kind="dropfolder",
            path=folder,
            batch_size=5000,
            mapping={"post_id": "external_id", "message": "text", "handle": "author", "ts": "created_at"},
        )
        if use_prefect:  # start Prefect's ephemeral server outside the timing (≈ 10 s once per process)
            from prefect import flow

            flow(lambda: None, name="warm-up")()
        start = time.perf_counter()
        read = 0
        if use_prefect:
            res = ingest_flow(partner)
            read = res.read + res.quarantined
        else:
            for batch in partner.connector().read(None):
                read += len(batch)
                store_batch(partner.name, partner.kind, batch)
        seconds = time.perf_counter() - start
        with session_scope() as s:
            stored, quarantined = count_posts(s), count_quarantine(s)
        out: dict[str, object] = {
            "backend": backend,
            "prefect": use_prefect,
            "lines": read,
            "stored": stored,
            "quarantined": quarantined,
            "seconds": round(seconds, 2),
            "posts_per_s": round(read / seconds),
        }
        if cluster and not use_prefect:
            from features.near_duplicates import cluster_pending

            start = time.perf_counter()
            clustered = cluster_pending()
            secs = time.perf_counter() - start
            out |= {
                "clustered": clustered,
                "cluster_seconds": round(secs, 2),
                "cluster_posts_per_s": round(clustered / secs),
            }
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Ingest throughput (posts/s)")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--prefect", action="store_true", help="also run through the Prefect ingest flow")
    ap.add_argument("--cluster", action="store_true", help="then time near-duplicate clustering of what was stored")
    args = ap.parse_args()
    import logging

    import flows  # noqa: F401  (Prefect environment)

    logging.getLogger("chhmam.feeds").setLevel(logging.ERROR)  # one line per malformed record is noise here

    work = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    try:
        uniq, dup, bad = write_feed(work / "drop", args.n)
        print(
            f"feed: {args.n} lines = {uniq} unique posts + {dup} repeated ids + {bad} malformed "
            f"({platform.python_version()}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
        )
        for backend in args.backend:
            for use_prefect in [False, True] if args.prefect else [False]:
                r = run(backend, work / "drop", use_prefect, work, args.cluster)
                assert r["stored"] == uniq and r["quarantined"] == bad, r
                print(json.dumps(r))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
