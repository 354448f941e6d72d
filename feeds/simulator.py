"""A partner-feed simulator: a small FastAPI app on 127.0.0.1 that misbehaves on purpose.

Why: real partner APIs fail in ways a unit test cannot fake honestly (a proxy's 502, a rate
limit with ``Retry-After``, a hung connection, half a JSON body, the same post on two pages,
pages whose posts are out of time order). The tests and ``make demo`` run the real HTTP
connector against this server over a real socket.

Endpoints: ``/posts`` (``?cursor=&limit=`` → ``{"data", "next_cursor"}``), ``/v2/posts``
(``?page_token=&limit=`` → ``{"items", "next_page_token"}``), ``/feed.xml`` (RSS 2.0 with ETag).
Faults are given per page number (0-based) and fire ``times`` times, then the page is served
normally, as a flaky partner's would be; ``bad_records``, ``duplicates`` and ``out_of_order``
change what the page contains on every request.

Run: ``python -m feeds.simulator --port 8765 --posts 2000 --fault 5xx:1 --fault 429:2``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

FaultKind = Literal["5xx", "429", "timeout", "malformed", "bad_records", "duplicates", "out_of_order"]
FAULT_KINDS: tuple[str, ...] = ("5xx", "429", "timeout", "malformed", "bad_records", "duplicates", "out_of_order")

_JOBS = (
    "factory work in Thailand, salary 800 USD, free travel, call 012 345 678",
    "restaurant staff wanted in Malaysia, no experience needed, passport arranged for you",
    "ស្វែងរកកម្មករធ្វើការនៅថៃ ប្រាក់ខែខ្ពស់ ធ្វើលិខិតឆ្លងដែនជូន",
)
_BENIGN = (
    "rice price in Battambang market today",
    "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញល្ងាចនេះ",
    "school football match on Saturday, everyone welcome",
    "new road opened near Siem Reap",
    "ពិធីបុណ្យភ្ជុំបិណ្ឌនៅវត្តភូមិយើង",
    "bus schedule to Kampot changed this week",
)


def sample_posts(n: int, seed: int = 7, start: datetime | None = None) -> list[dict[str, Any]]:
    """``n`` benign or job-ad-like posts with unique ids; every 10th is a reposted job template."""
    rng = random.Random(seed)
    t0 = start or datetime(2026, 11, 20, tzinfo=UTC)
    out = []
    for i in range(n):
        if i % 10 == 0:
            text = f"{_JOBS[(i // 10) % len(_JOBS)]} (ref {rng.randint(1, 9)})"
        else:
            text = f"{rng.choice(_BENIGN)} #{i}"
        out.append(
            {
                "id": f"sim-{i:06d}",
                "text": text,
                "user": {"handle": f"@user{rng.randint(1, 500)}"},
                "created_at": (t0 + timedelta(minutes=i)).isoformat(),
                "platform": rng.choice(("facebook", "telegram")),
            }
        )
    return out


def encode_token(offset: int) -> str:
    """An opaque page token (clients must not read it)."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def decode_token(token: str | None) -> int:
    """The offset behind a page token (0 for none; an error for a forged one)."""
    if not token:
        return 0
    return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])


@dataclass
class Fault:
    """One injected fault on one page: fires ``times`` times (0: on every request)."""

    kind: str
    page: int = 0
    times: int = 1
    seconds: float = 2.0  # how long "timeout" hangs; the Retry-After of "429"


@dataclass
class FeedState:
    """The simulator's data and fault bookkeeping (shared by request handlers)."""

    posts: list[dict[str, Any]]
    faults: list[Fault] = field(default_factory=list)
    token: str | None = None
    fired: dict[int, int] = field(default_factory=dict)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, page: int, kinds: Sequence[str]) -> Fault | None:
        """The first still-armed fault of ``kinds`` on ``page`` (counting it as fired)."""
        with self.lock:
            for n, f in enumerate(self.faults):
                if f.kind in kinds and f.page == page and (f.times == 0 or self.fired.get(n, 0) < f.times):
                    self.fired[n] = self.fired.get(n, 0) + 1
                    return f
        return None

    def has(self, page: int, kind: str) -> bool:
        return any(f.kind == kind and f.page == page for f in self.faults)


BAD_RECORDS: tuple[dict[str, Any], ...] = (
    {"id": "bad-no-text"},
    {"id": "bad-date", "text": "meeting at the market", "created_at": "next tuesday"},
    {"text": "no id at all"},
    {"id": "bad-naive-date", "text": "hello", "created_at": "2026-11-20T10:00:00"},
    {"id": ["a", "list"], "text": "id is a list"},
)


def create_app(state: FeedState) -> FastAPI:
    """The simulator app over ``state``."""
    app = FastAPI(title="Chhmam partner-feed simulator", docs_url=None, redoc_url=None)

    async def page(
        request: Request, token: str | None, limit: int, authorization: str | None, items_key: str, next_key: str
    ) -> Response:
        with state.lock:
            state.requests += 1
        if state.token and authorization != f"Bearer {state.token}":
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        try:
            offset = decode_token(token)
        except (ValueError, KeyError, json.JSONDecodeError):
            return JSONResponse({"error": "bad page token"}, status_code=400)
        limit = max(1, min(limit, 1000))
        n = offset // limit
        fault = state.take(n, ("5xx", "429", "timeout", "malformed"))
        if fault is not None:
            if fault.kind == "5xx":
                return JSONResponse({"error": "upstream failed"}, status_code=503)
            if fault.kind == "429":
                return JSONResponse(
                    {"error": "slow down"}, status_code=429, headers={"Retry-After": str(int(fault.seconds))}
                )
            if fault.kind == "timeout":
                await asyncio.sleep(fault.seconds)
        items: list[Any] = list(state.posts[offset : offset + limit])
        if state.has(n, "duplicates") and offset >= limit:
            items += state.posts[offset - limit : offset - limit + max(1, limit // 5)]
        if state.has(n, "bad_records"):
            items += [
                dict(b, **({"id": f"{b['id']}-{n}"} if isinstance(b.get("id"), str) else {})) for b in BAD_RECORDS
            ]
        if state.has(n, "out_of_order"):
            items.reverse()
        nxt = encode_token(offset + limit) if offset + limit < len(state.posts) else None
        body = json.dumps({items_key: items, next_key: nxt}, ensure_ascii=False)
        if fault is not None and fault.kind == "malformed":
            body = body[: len(body) // 2]
        return Response(body, media_type="application/json")

    @app.get("/posts")
    async def posts(
        request: Request, cursor: str | None = None, limit: int = 100, authorization: str | None = Header(default=None)
    ) -> Response:
        return await page(request, cursor, limit, authorization, "data", "next_cursor")

    @app.get("/v2/posts")
    async def posts_v2(
        request: Request,
        page_token: str | None = None,
        limit: int = 100,
        authorization: str | None = Header(default=None),
    ) -> Response:
        return await page(request, page_token, limit, authorization, "items", "next_page_token")

    @app.get("/feed.xml")
    async def feed(if_none_match: str | None = Header(default=None)) -> Response:
        etag = f'"{len(state.posts)}"'
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        entries = "".join(
            f"<item><guid>{p['id']}</guid><title>{_xml(p['text'])}</title>"
            f"<link>https://partner.example/p/{p['id']}</link>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(p['created_at']))}</pubDate></item>"
            for p in state.posts[-200:]
        )
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Simulated partner'
            f"</title><link>https://partner.example/</link><description>test</description>{entries}"
            "</channel></rss>"
        )
        return Response(xml, media_type="application/rss+xml", headers={"ETag": etag})

    return app


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ServerThread:
    """Runs an app with uvicorn in a background thread on 127.0.0.1 (port 0: a free one)."""

    def __init__(self, app: FastAPI, port: int = 0) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("simulator did not start")
            time.sleep(0.02)
        return self

    @property
    def url(self) -> str:
        sock = self.server.servers[0].sockets[0]
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def parse_fault(spec: str) -> Fault:
    """``kind[:page[:times[:seconds]]]`` → Fault (the command line's ``--fault``)."""
    parts = spec.split(":")
    if parts[0] not in FAULT_KINDS:
        raise ValueError(f"unknown fault {parts[0]!r}; choose from {', '.join(FAULT_KINDS)}")
    nums = [float(x) for x in parts[1:]]
    return Fault(
        parts[0], int(nums[0]) if nums else 0, int(nums[1]) if len(nums) > 1 else 1, nums[2] if len(nums) > 2 else 2.0
    )


def wait_until_up(url: str, timeout: float = 30.0) -> bool:
    """True once ``url`` answers 200 (a simulator started in the background is ready)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the simulator until interrupted."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--token", default=None, help="require this bearer token")
    ap.add_argument("--fault", action="append", default=[], help="kind[:page[:times[:seconds]]]")
    ap.add_argument("--wait-for", metavar="URL", help="only wait (30 s at most) until URL answers 200, then exit")
    args = ap.parse_args(argv)
    if args.wait_for:
        raise SystemExit(0 if wait_until_up(args.wait_for) else 1)
    state = FeedState(sample_posts(args.posts), [parse_fault(f) for f in args.fault], args.token)
    uvicorn.run(create_app(state), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
