"""RSS/Atom connector (feedparser): news sites and NGO bulletins that only publish a feed.

A feed has no pagination: each read returns the latest entries. The cursor holds the feed's
``ETag``/``Last-Modified`` so an unchanged feed costs one ``304``; entries already stored are
dropped by the unique (source, external id) key, bad entries by their quarantine fingerprint.
``url`` may also be a local file path.

Decoding is strict: the document must be valid in the encoding it declares (HTTP ``charset``,
else the XML declaration, else UTF-8). feedparser would otherwise re-decode a document with one
bad byte as windows-1252 and every Khmer entry would be stored as mojibake. A document that is
not valid, or that feedparser cannot read at all, is quarantined whole with the reason, and the
cursor stays where it was so the partner's fixed feed is read next time.
"""

from __future__ import annotations

import calendar
import codecs
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

from feeds.base import Batch, FeedError, Reject
from feeds.fetch import RetryableError, RetryPolicy, get_with_retries
from feeds.parse import log_reject, parse_object, safe_dumps
from feeds.records import PostRecord

_TAG = re.compile(r"<[^>]+>")
_XML_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)


def declared_encoding(data: bytes, content_type: str | None) -> str:
    """The encoding a feed document says it has: HTTP charset, XML declaration, BOM, else UTF-8."""
    if content_type and (m := _CHARSET.search(content_type)):
        return m.group(1)
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if decl := _XML_DECL.match(data):
        return decl.group(1).decode("ascii")
    return "utf-8"


def invalid_encoding(data: bytes, encoding: str) -> str | None:
    """Why ``data`` is not valid ``encoding`` text (None when it is)."""
    try:
        data.decode(encoding)
    except LookupError:
        return f"unknown encoding {encoding!r}"
    except UnicodeDecodeError as exc:
        return f"not valid {encoding}: {exc.reason} at byte {exc.start}"
    return None


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
    item: dict[str, Any] = {
        "external_id": entry.get("id") or entry.get("link"),
        "text": text or None,
        "url": entry.get("link"),
        "created_at": _when(entry),
    }
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

    def _fetch(self, cursor: str | None) -> tuple[bytes | None, str | None, str | None]:
        """(document or None when unchanged, new cursor, Content-Type)."""
        if not self.url.startswith(("http://", "https://")):
            data = Path(self.url).read_bytes()
            return data, None, None
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
            return None, cursor, None
        new_state = {
            k: v for k, v in (("etag", resp.headers.get("ETag")), ("modified", resp.headers.get("Last-Modified"))) if v
        }
        return (
            resp.content,
            (json.dumps(new_state, sort_keys=True) if new_state else None),
            resp.headers.get("Content-Type"),
        )

    def _parse(self, data: bytes, content_type: str | None) -> tuple[Any, str | None]:
        """(feedparser result, None) or (None, why the document is unusable)."""
        problem = invalid_encoding(data, declared_encoding(data, content_type))
        if problem:
            return None, f"feed document {problem}"
        try:
            parsed = feedparser.parse(data, response_headers={"content-type": content_type} if content_type else None)
        except Exception as exc:  # feedparser raises for e.g. a character reference to a surrogate
            return None, f"feedparser could not read the document: {type(exc).__name__}: {str(exc)[:200]}"
        if parsed.get("bozo") and not parsed.get("entries"):
            return None, f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')!s}"[:500]
        return parsed, None

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """One batch with every entry of the feed (feeds are small), or nothing when unchanged."""
        try:
            data, new_cursor, content_type = self._fetch(cursor)
        except (RetryableError, httpx.HTTPError, OSError) as exc:
            raise FeedError(f"{self.source}: cannot fetch {self.url}: {type(exc).__name__}: {exc}") from exc
        if data is None:
            return
        parsed, problem = self._parse(data, content_type)
        if parsed is None:
            reason = problem or "unreadable feed"
            log_reject(self.source, reason, self.url)
            yield Batch(rejects=[Reject(data, reason, self.url)])  # cursor stays: a fixed feed is read again
            return
        batch = Batch(cursor=new_cursor)
        for n, entry in enumerate(parsed.get("entries", [])):
            rec: PostRecord | Reject
            try:
                item = entry_to_item(entry)
            except (ValueError, TypeError, OverflowError) as exc:
                item, rec = {}, Reject(safe_dumps(dict(entry)), f"unreadable entry: {type(exc).__name__}: {exc}")
            else:
                rec = parse_object(self.source, item, self.mapping, raw=safe_dumps(item))
            if isinstance(rec, PostRecord):
                batch.records.append(rec)
            else:
                log_reject(self.source, rec.reason, f"entry {n}")
                batch.rejects.append(rec._replace(where=f"{self.url} entry {n}"))
        yield batch
