"""RSS/Atom connector (feedparser): news sites and NGO bulletins that only publish a feed.

A feed has no pagination: each read returns the latest entries. The cursor holds the feed's
``ETag``/``Last-Modified`` so an unchanged feed costs one ``304``; entries already stored are
dropped by the unique (source, external id) key. ``url`` may also be a local file path.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

from feeds.base import Batch, FeedError
from feeds.fetch import RetryableError, RetryPolicy, get_with_retries
from feeds.parse import log_reject, parse_object, safe_dumps
from feeds.records import PostRecord

_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment (feeds put markup in summaries; the models want words)."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text))).strip()


def _when(entry: Mapping[str, Any]) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        st = entry.get(key)
        if st:
            return datetime.fromtimestamp(calendar.timegm(st), UTC).isoformat()
    return None


def entry_to_item(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The plain dict a feed entry maps to before the partner's field mapping is applied."""
    title = strip_html(str(entry.get("title", "") or ""))
    summary = strip_html(str(entry.get("summary", "") or ""))
    text = title if not summary or summary == title else f"{title}\n{summary}" if title else summary
    item: dict[str, Any] = {"external_id": entry.get("id") or entry.get("link"), "text": text or None,
                            "url": entry.get("link"), "created_at": _when(entry)}
    if entry.get("author"):
        item["author"] = entry["author"]
    tags = [t.get("term") for t in entry.get("tags", []) or [] if isinstance(t, Mapping) and t.get("term")]
    if tags:
        item["tags"] = tags
    return item


@dataclass
class RssFeed:
    """Reads one RSS or Atom feed (a URL, or a file path for partners who drop feed files)."""

    source: str
    url: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    token: str | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    client: httpx.Client | None = None

    def _fetch(self, cursor: str | None) -> tuple[bytes | None, str | None]:
        if not self.url.startswith(("http://", "https://")):
            data = Path(self.url).read_bytes()
            return data, None
        state: dict[str, str] = json.loads(cursor) if cursor else {}
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        client = self.client or httpx.Client(follow_redirects=True)
        try:
            resp, _ = get_with_retries(client, self.url, source=self.source, policy=self.policy, headers=headers)
        finally:
            if self.client is None:
                client.close()
        if resp.status_code == 304:
            return None, cursor
        new_state = {k: v for k, v in (("etag", resp.headers.get("ETag")),
                                       ("modified", resp.headers.get("Last-Modified"))) if v}
        return resp.content, (json.dumps(new_state, sort_keys=True) if new_state else None)

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """One batch with every entry of the feed (feeds are small), or nothing when unchanged."""
        try:
            data, new_cursor = self._fetch(cursor)
        except (RetryableError, httpx.HTTPError, OSError) as exc:
            raise FeedError(f"{self.source}: cannot fetch {self.url}: {type(exc).__name__}: {exc}") from exc
        if data is None:
            return
        parsed = feedparser.parse(data)
        batch = Batch(cursor=new_cursor)
        if parsed.get("bozo") and not parsed.get("entries"):
            reason = f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')!s}"
            log_reject(self.source, reason, self.url)
            batch.rejects.append((data[:4000].decode("utf-8", "replace"), reason))
        for n, entry in enumerate(parsed.get("entries", [])):
            item = entry_to_item(entry)
            rec = parse_object(self.source, item, self.mapping, raw=safe_dumps(item))
            if isinstance(rec, PostRecord):
                batch.records.append(rec)
            else:
                log_reject(self.source, rec[1], f"entry {n}")
                batch.rejects.append(rec)
        yield batch
