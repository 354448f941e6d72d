"""Case page latency for a 500-member case, on SQLite and PostgreSQL (goal p95 < 200 ms).

Fills a fresh database with one case of N linked, queued posts (default 500; they share one made-up
phone number in the unassigned +855 50 range, posted by five accounts) among M unrelated posts
(default 20,000), links them (``cases.linking.link_pending``), gives a tenth of the members a
decision, and has a lead reveal ten members. Then the lead's browser requests are replayed through
the real app (FastAPI TestClient: the whole request, session lookup, audit row, queries, template,
middleware; no network): ``GET /cases/{id}`` for every member page in turn, timed per request.

    .venv/bin/python bench/case_page.py --members 500 --noise 20000 --requests 200 \
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import add_pg_option, backends, fresh_database, markdown_table, pct

os.environ.setdefault("CHHMAM_SECRET_KEY", secrets.token_urlsafe(32))
os.environ.setdefault("CHHMAM_ARGON2_TIME_COST", "1")
os.environ.setdefault("CHHMAM_ARGON2_MEMORY_KIB", "8192")

from cases.linking import LinkConfig, link_pending  # after the settings above
from store.db import dispose_engines, session_scope
from store.posts import insert_posts
from store.queue import QUEUE, rank_for
from store.schema import Decision, Post, utcnow

TEMPLATES = (
    "Factory work abroad, salary 900$, passport paid, call 050 444 555 (#{i})",
    "Restaurant job in Bangkok, free travel, contact +855 50 444 555 ({i})",
    "ការងារនៅបរទេស ប្រាក់ខែខ្ពស់ ទាក់ទង ០៥០ ៤៤៤ ៥៥៥ លេខ {i}",
)


def fill(members: int, noise: int) -> int:
    """The case and the unrelated posts, all queued; returns the case's network id."""
    now = utcnow()
    rows = [
        {
            "source": "bench",
            "external_id": f"c{i}",
            "content_hash": f"c{i:063d}",
            "lang": "en",
            "text": TEMPLATES[i % 3].format(i=i),
            "ingested_at": now,
            "platform": "facebook",
            "author_hash": f"{i % 5:064x}",
        }
        for i in range(members)
    ]  # one operation: five accounts
    rows += [
        {
            "source": "bench",
            "external_id": f"n{i}",
            "content_hash": f"n{i:063d}",
            "lang": "en",
            "text": f"Homework club number {i}, grade {i % 12}",
            "ingested_at": now,
        }
        for i in range(noise)
    ]
    with session_scope() as s:
        for start in range(0, len(rows), 5000):
            insert_posts(s, rows[start : start + 5000])
        ids = list(s.scalars(select(Post.id).order_by(Post.id)))
        s.execute(
            insert(QUEUE),
            [
                {
                    "post_id": p,
                    "labels": ["trafficking_ad"],
                    "max_probability": 0.8,
                    "priority": 0.72,
                    "model_version": "bench",
                    "status": "open",
                    "enqueued_at": now,
                    "rank": rank_for(0.72, now),
                }
                for p in ids
            ],
        )
    link_pending(config=LinkConfig("bench-key"))
    from store import networks, queue

    with session_scope() as s:
        nid = networks.network_of_post(s, ids[0])
        assert nid is not None
        net = networks.get_network(s, nid)
        assert net is not None and net.size == members, net.size if net else None
        items = queue.items_of_posts(s, ids[:members:10])
        for pid, item in items.items():
            s.add(
                Decision(
                    queue_item_id=item.id,
                    post_id=pid,
                    user_id=None,
                    action="confirm",
                    labels=["trafficking_ad"],
                    created_at=now,
                )
            )
            item.status = "decided"
    from cases.linking import refresh_stale

    with session_scope() as s:
        refresh_stale(s)
    return nid


PASSWORD = secrets.token_urlsafe(16)  # a throwaway lead in a throwaway database
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def login(client: Any) -> str:
    """Log the bench lead in through the login form; returns the session's CSRF token."""
    tok = CSRF.search(client.get("/login").text)
    assert tok is not None
    r = client.post("/login", data={"csrf": tok.group(1), "username": "lead", "password": PASSWORD})
    assert r.status_code == 303, r.status_code
    found = CSRF.search(client.get("/stats").text)
    assert found is not None
    return found.group(1)


def run(members: int, noise: int, requests: int) -> dict[str, float]:
    """The measurements, in the fresh database the app is set to."""
    from fastapi.testclient import TestClient

    from review.app import create_app
    from review.auth import hash_password
    from store.users import create_user

    t0 = time.perf_counter()
    nid = fill(members, noise)
    fill_s = time.perf_counter() - t0
    with session_scope() as s:
        create_user(s, "lead", hash_password(PASSWORD), "lead")
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client)
    with session_scope() as s:
        from store import networks

        first = [p.id for p in networks.network_posts(s, nid, limit=10)]
    for pid in first:
        assert client.post(f"/cases/{nid}/members/{pid}/reveal", data={"csrf": tok}).status_code == 303
    pages = -(-members // 50)
    times = []
    for k in range(requests + 5):
        a = time.perf_counter()
        r = client.get(f"/cases/{nid}?page={k % pages + 1}")
        b = time.perf_counter()
        assert r.status_code == 200
        assert k % pages == 0 or "free travel" not in r.text  # members' text only on page 1, where ten were revealed
        if k >= 5:  # the first few warm the template and connection caches
            times.append((b - a) * 1000)
    a = time.perf_counter()
    assert client.get(f"/cases/{nid}/evidence.json").status_code == 200
    evidence_ms = (time.perf_counter() - a) * 1000
    dispose_engines()
    return {
        "fill_s": fill_s,
        "p50": statistics.median(times),
        "p95": pct(times, 95),
        "p99": pct(times, 99),
        "max": max(times),
        "evidence_ms": evidence_ms,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--members", type=int, default=500)
    ap.add_argument("--noise", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=200)
    add_pg_option(ap)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="case-bench-") as tmp:
        os.environ["CHHMAM_DATA_DIR"] = tmp
        for backend in backends(args.pg):
            with fresh_database(backend, Path(tmp) / "bench.db", args.pg):
                results[backend] = run(args.members, args.noise, args.requests)
    print(f"case of {args.members} members among {args.noise} other posts; {args.requests} GET /cases/{{id}} (ms)")
    header = ["database", "fill (s)", "p50", "p95", "p99", "max", "evidence.json"]
    rows = [
        [db, *(f"{r[k]:.1f}" for k in ("fill_s", "p50", "p95", "p99", "max")), f"{r['evidence_ms']:.0f}"]
        for db, r in results.items()
    ]
    print(markdown_table(header, rows))


if __name__ == "__main__":
    main()
