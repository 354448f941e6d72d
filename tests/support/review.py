"""Shared helpers for the review tests (no tests here): seeding, users, a live uvicorn server, login."""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from review.app import create_app, uvicorn_options
from review.auth import hash_password
from store.db import session_scope
from store.posts import insert_posts
from store.queue import enqueue
from store.schema import Cluster, Post, utcnow
from store.scores import save_scores
from store.users import create_user

# Cheaper (still real) argon2id parameters: the suite logs in dozens of users on two cores.
os.environ.setdefault("CHHMAM_ARGON2_TIME_COST", "1")
os.environ.setdefault("CHHMAM_ARGON2_MEMORY_KIB", "8192")
os.environ.setdefault("CHHMAM_SECRET_KEY", secrets.token_urlsafe(32))  # the app refuses to start without one
PASSWORD = "correct horse battery"
_HASH: dict[str, str] = {}


def add_users(*specs: tuple[str, str]) -> dict[str, int]:
    """Create users (name, role) with PASSWORD; returns name → id."""
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    out = {}
    with session_scope() as s:
        for name, role in specs:
            out[name] = create_user(s, name, _HASH["h"], role).id
    return out


def seed(
    n: int, texts: list[str] | None = None, cluster_of: dict[int, int] | None = None, age_hours: float = 0.0
) -> list[int]:
    """Insert ``n`` posts with scores and queue items; returns the queue item ids in post order."""
    now = utcnow()
    with session_scope() as s:
        start = s.query(Post).count()
        rows: list[dict[str, Any]] = [
            {
                "source": "test",
                "external_id": f"p{start + i}",
                "content_hash": f"{start + i:064d}",
                "text": (texts[i] if texts else f"Are you in grade 8? I can send you phone credit {start + i}"),
                "lang": "en",
                "url": f"https://example.org/p/{start + i}",
                "platform": "web",
                "ingested_at": now,
            }
            for i in range(n)
        ]
        insert_posts(s, rows)
        ids = [
            p.id for p in s.query(Post).filter(Post.external_id.in_([r["external_id"] for r in rows])).order_by(Post.id)
        ]
        for cl, members in _clusters(ids, cluster_of or {}).items():
            s.add(Cluster(id=cl, representative_post_id=members[0], size=len(members)))
            s.flush()
            for pid in members:
                s.get(Post, pid).cluster_id = cl  # type: ignore[union-attr]
        save_scores(
            s,
            [
                {
                    "post_id": pid,
                    "label": lb,
                    "model_version": "test-v1",
                    "probability": 0.5 + (k % 50) / 100,
                    "threshold": 0.4,
                    "flagged": True,
                    "indicators": {},
                }
                for k, pid in enumerate(ids)
                for lb in ("grooming", "trafficking_ad")
            ],
        )
        enqueue(
            s,
            [
                {
                    "post_id": pid,
                    "labels": ["grooming"],
                    "max_probability": 0.5 + (k % 50) / 100,
                    "priority": 0.5 + (k % 50) / 100,
                    "model_version": "test-v1",
                    "enqueued_at": now - timedelta(hours=age_hours),
                }
                for k, pid in enumerate(ids)
            ],
        )
        from store.schema import QueueItem

        return [q.id for q in s.query(QueueItem).filter(QueueItem.post_id.in_(ids)).order_by(QueueItem.post_id)]


def _clusters(ids: list[int], cluster_of: dict[int, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for idx, cl in cluster_of.items():
        out.setdefault(cl, []).append(ids[idx])
    return {members[0]: members for members in out.values()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server() -> Iterator[str]:
    """A real uvicorn server for the configured database on 127.0.0.1:<free port>."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(), host="127.0.0.1", port=port, log_level="warning", limit_concurrency=200, **uvicorn_options()
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)


def login(client: httpx.Client | TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in; returns the session's CSRF token."""
    tok = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"csrf": tok, "username": username, "password": password}, follow_redirects=False)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return csrf_of(client.get("/stats").text)  # the token is rotated at login


@contextmanager
def app_role_url(pg_url: str) -> Iterator[str]:
    """A new LOGIN role with the web app's least privileges on ``pg_url``'s database: its URL, dropped after."""
    import uuid

    from sqlalchemy import create_engine, text

    from store.roles import grant_app_role

    role = f"chhmam_app_{uuid.uuid4().hex[:8]}"
    owner = create_engine(pg_url)
    with owner.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        grant_app_role(conn, role)
    try:
        yield pg_url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://{role}@")
    finally:
        with owner.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        owner.dispose()
