"""HTTP JSON API connector: cursor or page-token pagination, bearer token, retries.

The stored cursor is the token of the next page to ask for. When the API says there is no next
page, the cursor keeps the token of the page just read and how many of its items were handled
(``{"page": token, "skip": n}``), so the next run asks for that page again and handles only what
was appended since: good records are not re-sent to the database, bad ones not re-quarantined. Pages are
gathered into batches of ``batch_size`` records, so the flow commits thousands at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from feeds.base import Batch, FeedError
from feeds.fetch import RetryableError, RetryPolicy, get_with_retries
from feeds.parse import log_reject, parse_object, safe_dumps
from feeds.records import PostRecord

PRESETS: dict[str, dict[str, str]] = {
    # ?cursor=…  →  {"data": [...], "next_cursor": "…"}
    "cursor": {"cursor_param": "cursor", "next_field": "next_cursor", "items_field": "data"},
    # ?page_token=…  →  {"items": [...], "next_page_token": "…"}
    "page_token": {"cursor_param": "page_token", "next_field": "next_page_token", "items_field": "items"},
}


def _page_parser(items_field: str, next_field: str) -> Any:
    def parse(resp: httpx.Response) -> tuple[list[Any], str | None]:
        try:
            body = resp.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RetryableError(f"malformed JSON page: {exc}", body=resp.text[:4000]) from exc
        if not isinstance(body, dict) or not isinstance(body.get(items_field), list):
            raise RetryableError(f"page is not an object with a '{items_field}' list", body=resp.text[:4000])
        nxt = body.get(next_field)
        return body[items_field], (str(nxt) if nxt not in (None, "") else None)

    return parse


def split_cursor(cursor: str | None) -> tuple[str | None, int]:
    """(page token, items of that page already handled) from a stored cursor."""
    if cursor and cursor.startswith("{"):
        try:
            state = json.loads(cursor)
            return (str(state["page"]) if state.get("page") else None), int(state.get("skip", 0))
        except (ValueError, KeyError, TypeError):
            pass
    return cursor, 0


def join_cursor(token: str | None, skip: int) -> str:
    """The cursor for "``token``'s page, first ``skip`` items done" (the end of the feed so far)."""
    return json.dumps({"page": token, "skip": skip}, sort_keys=True)


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

    def _names(self) -> tuple[str, str, str]:
        preset = PRESETS[self.pagination]
        return (self.cursor_param or preset["cursor_param"], self.next_field or preset["next_field"],
                self.items_field or preset["items_field"])

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches page by page; on a final failure yield what was read, then raise ``FeedError``."""
        cursor_param, next_field, items_field = self._names()
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        client = self.client or httpx.Client(follow_redirects=True)
        parse = _page_parser(items_field, next_field)
        batch = Batch()
        token, skip = split_cursor(cursor)
        pages = 0
        try:
            while True:
                params: dict[str, Any] = {self.page_size_param: self.page_size}
                if token:
                    params[cursor_param] = token
                try:
                    _, (items, nxt) = get_with_retries(client, self.url, source=self.source, policy=self.policy,
                                                       params=params, headers=headers, parse=parse)
                except (RetryableError, httpx.HTTPError) as exc:
                    batch.cursor = token if pages else None  # None: the stored cursor stays as it was
                    if isinstance(exc, RetryableError) and exc.body:
                        reason = f"page {token or '(first)'} unusable after {self.policy.attempts} attempts: {exc}"
                        log_reject(self.source, reason, self.url)
                        batch.rejects.append((exc.body, reason))
                    yield batch
                    raise FeedError(f"{self.source}: giving up at cursor {token!r}: {type(exc).__name__}: {exc}") \
                        from exc
                pages += 1
                seen, skip = skip, 0  # only the resumed last page starts part-way
                for n, obj in enumerate(items[seen:], start=seen):
                    parsed = parse_object(self.source, obj, self.mapping, raw=safe_dumps(obj))
                    if isinstance(parsed, PostRecord):
                        batch.records.append(parsed)
                    else:
                        log_reject(self.source, parsed[1], f"page {token or '(first)'} item {n}")
                        batch.rejects.append(parsed)
                if nxt is None or (self.max_pages is not None and pages >= self.max_pages):
                    # No next page: remember this page and how much of it was read, so the next
                    # run asks for it again but only handles what was appended since.
                    batch.cursor = nxt or join_cursor(token, len(items))
                    yield batch
                    return
                token = nxt
                if len(batch) >= self.batch_size:
                    batch.cursor = token
                    yield batch
                    batch = Batch()
        finally:
            if self.client is None:
                client.close()
