"""HTTP JSON API connector: cursor or page-token pagination, bearer token, retries.

Resuming is by the partner's own page token, never by an offset into a page: a page can change
between runs (posts appended, reordered, removed). Two orders are supported (``order``):

* ``oldest_first`` (the default): during a run the stored cursor is the token of the next page.
  When the API says there is no next page, the cursor keeps the token of the page just read
  (``{"page": token}``), and the next run reads that whole page again and goes on from there.
  Records already stored are dropped by the unique (source, external_id) key and quarantined
  records by their fingerprint, so re-reading costs one page and stores nothing twice.
* ``newest_first``: new posts arrive on the first page, so every run starts there and reads until
  a page holds only posts older than the newest ``created_at`` seen before minus
  ``reread_window_s`` (late arrivals). The cursor is that high-water mark (``{"high": time}``)
  and moves only when the run reaches that point.

A page whose ``next`` token was already seen in this run (a paginator loop) stops the run with a
logged reason instead of asking forever. Pages are gathered into batches of ``batch_size``
records, so the flow commits thousands at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx

from feeds.base import Batch, FeedError, Reject
from feeds.fetch import RetryableError, RetryPolicy, get_with_retries
from feeds.parse import loads_lenient, log_reject, parse_object, safe_dumps
from feeds.records import PostRecord

log = logging.getLogger("chhmam.feeds")

PRESETS: dict[str, dict[str, str]] = {
    # ?cursor=…  →  {"data": [...], "next_cursor": "…"}
    "cursor": {"cursor_param": "cursor", "next_field": "next_cursor", "items_field": "data"},
    # ?page_token=…  →  {"items": [...], "next_page_token": "…"}
    "page_token": {"cursor_param": "page_token", "next_field": "next_page_token", "items_field": "items"},
}


def _page_parser(items_field: str, next_field: str) -> Any:
    def parse(resp: httpx.Response) -> tuple[list[Any], str | None]:
        try:
            body = loads_lenient(resp.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise RetryableError(f"malformed JSON page: {str(exc)[:200]}", body=resp.content, malformed=True) from exc
        if not isinstance(body, dict) or not isinstance(body.get(items_field), list):
            raise RetryableError(
                f"page is not an object with a '{items_field}' list", body=resp.content, malformed=True
            )
        nxt = body.get(next_field)
        return body[items_field], (str(nxt) if nxt not in (None, "") else None)

    return parse


def split_cursor(cursor: str | None) -> tuple[str | None, datetime | None]:
    """(page token to start from, newest-first high-water mark) from a stored cursor.

    Cursors of the first version (``{"page": t, "skip": n}``) resume at page ``t`` read whole.
    """
    if cursor and cursor.startswith("{"):
        try:
            state = json.loads(cursor)
            high = datetime.fromisoformat(state["high"]) if state.get("high") else None
            return (str(state["page"]) if state.get("page") else None), high
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    return cursor, None


def join_cursor(token: str | None) -> str:
    """The cursor for "read ``token``'s page again next time" (the end of an oldest-first feed so far)."""
    return json.dumps({"page": token}, sort_keys=True)


@dataclass
class HttpApi:
    """Reads a paginated JSON API from its cursor until the API has no next page."""

    source: str
    url: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    token: str | None = None
    pagination: Literal["cursor", "page_token"] = "cursor"
    cursor_param: str | None = None
    next_field: str | None = None
    items_field: str | None = None
    page_size: int = 500
    page_size_param: str = "limit"
    batch_size: int = 5000
    max_pages: int | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    client: httpx.Client | None = None
    order: Literal["oldest_first", "newest_first"] = "oldest_first"
    reread_window_s: float = 3600.0

    def _names(self) -> tuple[str, str, str]:
        preset = PRESETS[self.pagination]
        return (
            self.cursor_param or preset["cursor_param"],
            self.next_field or preset["next_field"],
            self.items_field or preset["items_field"],
        )

    def _page_items(self, batch: Batch, token: str | None, items: list[Any]) -> datetime | None:
        """Parse one page into ``batch``; returns the newest ``created_at`` on it."""
        newest: datetime | None = None
        for n, obj in enumerate(items):
            parsed = parse_object(self.source, obj, self.mapping, raw=safe_dumps(obj))
            if isinstance(parsed, PostRecord):
                batch.records.append(parsed)
                if parsed.created_at is not None and (newest is None or parsed.created_at > newest):
                    newest = parsed.created_at
            else:
                where = f"page {token or '(first)'} item {n}"
                log_reject(self.source, parsed.reason, where)
                batch.rejects.append(Reject(parsed.raw, parsed.reason, where))
        return newest

    def _all_older(self, items: list[PostRecord], high: datetime | None) -> bool:
        """Newest first: the page holds only posts from before the re-read window (time to stop)."""
        if high is None or not items:
            return False
        limit = high - timedelta(seconds=self.reread_window_s)
        return all(r.created_at is not None and r.created_at < limit for r in items)

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches page by page; on a final failure yield what was read, then raise ``FeedError``."""
        cursor_param, next_field, items_field = self._names()
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        client = self.client or httpx.Client(follow_redirects=True)
        parse = _page_parser(items_field, next_field)
        newest_first = self.order == "newest_first"
        token, high = split_cursor(cursor)
        if newest_first:
            token = None  # new posts are on the first page
        new_high = high
        batch = Batch()
        pages = 0
        seen: set[str | None] = {token}
        try:
            while True:
                params: dict[str, Any] = {self.page_size_param: self.page_size}
                if token:
                    params[cursor_param] = token
                try:
                    _, (items, nxt) = get_with_retries(
                        client,
                        self.url,
                        source=self.source,
                        policy=self.policy,
                        params=params,
                        headers=headers,
                        parse=parse,
                    )
                except (RetryableError, httpx.HTTPError) as exc:
                    batch.cursor = token if pages and not newest_first else None  # None: cursor stays
                    if isinstance(exc, RetryableError) and exc.malformed:
                        reason = f"page {token or '(first)'} unusable after {self.policy.attempts} attempts: {exc}"
                        log_reject(self.source, reason, self.url)
                        batch.rejects.append(Reject(exc.body, reason, f"page {token or '(first)'}"))
                    yield batch
                    raise FeedError(
                        f"{self.source}: giving up at cursor {token!r}: {type(exc).__name__}: {exc}"
                    ) from exc
                pages += 1
                first_new = len(batch.records)
                newest = self._page_items(batch, token, items)
                if newest is not None and (new_high is None or newest > new_high):
                    new_high = newest
                done = nxt is None or (self.max_pages is not None and pages >= self.max_pages)
                if newest_first and self._all_older(batch.records[first_new:], high):
                    done = True
                if done:
                    if newest_first:
                        batch.cursor = json.dumps({"high": new_high.isoformat()}) if new_high else cursor
                    else:
                        batch.cursor = nxt or join_cursor(token)
                    yield batch
                    return
                if nxt in seen:
                    batch.cursor = None if newest_first else token
                    yield batch
                    reason = f"the API returned next cursor {nxt!r} again (a pagination loop)"
                    log.error("feed %s: %s; stopping this run", self.source, reason)
                    raise FeedError(f"{self.source}: {reason}")
                seen.add(nxt)
                token = nxt
                if len(batch) >= self.batch_size:
                    batch.cursor = None if newest_first else token
                    yield batch
                    batch = Batch()
        finally:
            if self.client is None:
                client.close()
