"""A seeded generator of hostile partner records, shared by the connector fuzz tests.

Each record carries its serial number ``i`` (in its id, or in an extra field when the id itself
is the hostile part), so every record can be accounted for: stored, or quarantined with a reason.
Values are what attackers and sloppy partners send: NUL characters and bytes, lone surrogates,
integers of thousands of digits, NaN/Infinity/1e400, dates in year 1 or 9999 with an offset,
nesting hundreds deep, megabyte fields, whitespace ids, empty texts, wrong types. All text is
harmless (no real names, handles or numbers).
"""

from __future__ import annotations

import json
import random
from typing import Any

HUGE_INT = "9" * 5000
GOOD_TEXTS = (
    "market prices in Battambang today",
    "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ",
    "school match on Saturday 🙂",
    "road works near the river \u200b\u200d",
    "bus to Kampot at 7",
)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


# (field, value) pairs; the placeholders become raw JSON that json.dumps cannot write.
HOSTILE: list[tuple[str, Any]] = [
    ("text", ""),
    ("text", "   \n\t "),
    ("text", "x" * 100_001),
    ("text", "null\x00byte"),
    ("text", "half \ud800 pair"),
    ("text", 12345),
    ("text", None),
    ("text", ["a", "list"]),
    ("text", {"an": "object"}),
    ("text", True),
    ("external_id", " "),
    ("external_id", ""),
    ("external_id", "id\x00nul"),
    ("external_id", "id\udfff"),
    ("external_id", "i" * 201),
    ("external_id", 1.5),
    ("external_id", False),
    ("external_id", ["x"]),
    ("external_id", "__HUGE_INT__"),
    ("author", "a\ud83d"),
    ("author", "a\x00b"),
    ("author", "h" * 2000),
    ("author", {"handle": "x"}),
    ("created_at", "9999-12-31T23:59:59-01:00"),
    ("created_at", "0001-01-01T00:00:00+01:00"),
    ("created_at", "2026-11-20T10:00:00"),
    ("created_at", "next tuesday"),
    ("created_at", "__1E400__"),
    ("created_at", "2100-01-01T00:00:00+00:00"),
    ("created_at", "1900-01-01T00:00:00+00:00"),
    ("url", "https://example.org/\x00"),
    ("url", "https://example.org/" + "p" * 3000),
    ("platform", "p" * 51),
    ("platform", "plat\udc80"),
    ("likes", float("nan")),
    ("likes", float("inf")),
    ("likes", float("-inf")),
    ("likes", "__1E400__"),
    ("likes", 2**70),
    ("likes", "__HUGE_INT__"),
    ("nested", _nested(40)),
    ("nested", _nested(300)),
    ("blob", "b" * 70_000),
    ("k\x00ey", 1),
    ("k\ud800ey", 1),
    ("note", "v\x00al"),
    ("note", "v\udbffal"),
    ("mixed", [1, "two", None, {"three": [3.0, float("nan")]}]),
]
BENIGN_EXTRAS: list[tuple[str, Any]] = [
    ("likes", 3),
    ("tags", ["ក", "b"]),
    ("nested", _nested(5)),
    ("ratio", 0.25),
    ("empty", None),
    ("external_id", "  padded-%d  "),  # whitespace around an id is stripped, not an error
]


def record(rng: random.Random, i: int) -> dict[str, Any]:
    """Record ``i``: clean (a third), or with one or two hostile fields."""
    rec: dict[str, Any] = {
        "external_id": f"fz-{i:06d}",
        "text": f"{rng.choice(GOOD_TEXTS)} #{i}",
        "author": f"user{i % 97}",
        "created_at": "2026-11-20T08:00:00+07:00",
        "serial": i,
    }
    roll = rng.random()
    if roll < 0.33:
        name, value = rng.choice(BENIGN_EXTRAS)
        rec[name] = value % i if isinstance(value, str) and "%d" in value else value
        return rec
    for name, value in rng.sample(HOSTILE, 1 if roll < 0.8 else 2):
        rec[name] = value
    return rec


def to_json(rec: dict[str, Any]) -> bytes:
    """JSON bytes of ``rec`` with surrogates escaped, NaN kept, and the raw-number placeholders filled in."""
    text = json.dumps(rec, ensure_ascii=True)
    return text.replace('"__HUGE_INT__"', HUGE_INT).replace('"__1E400__"', "1e400").encode()


BROKEN_LINES = (
    b'{"external_id": "cut", "text": ',
    b"\xff\xfe not utf-8",
    b'{"a": 1} trailing',
    b"[1, 2, 3]",
    b'"just a string"',
    b"\x00\x00\x00",
    b'{"external_id": "b\xed\xa0\x80", "text": "cesu"}',
    b"{" * 5000 + b"}" * 5000,
    b'\xef\xbb\xbf{"external_id": "bom-mid"}',
)


def jsonl_line(rng: random.Random, i: int) -> bytes:
    """One JSONL line for record ``i`` (never containing a line end): a record or broken bytes."""
    if rng.random() < 0.1:
        return rng.choice(BROKEN_LINES) + b" #%d" % i
    return to_json(record(rng, i))


CSV_COLUMNS = ("external_id", "text", "author", "created_at", "url", "platform", "serial", "note")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("__HUGE_INT__", HUGE_INT).replace("__1E400__", "1e400")
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def textual_record(rng: random.Random, i: int) -> dict[str, Any]:
    """``record`` for formats that only carry text (CSV, RSS): 1.5 or False would be valid, repeated ids."""
    rec = record(rng, i)
    if not isinstance(rec["external_id"], str):
        rec["external_id"] = f"{_cell(rec['external_id'])}-{i}"
    return rec


def csv_row(rng: random.Random, i: int) -> bytes:
    """One CSV row for record ``i`` with its own line end (\\r\\n, \\n or a lone \\r); some are broken."""
    import csv
    import io

    end = rng.choice(("\r\n", "\n", "\r"))
    roll = rng.random()
    if roll < 0.03:
        return f'fz-{i:06d},"a quote that is never closed,user,2026-11-20T08:00:00+07:00,,,{i},{end}'.encode()
    if roll < 0.05:
        return f"fz-{i:06d},{'c' * 200_000},user,,,,{i},{end}".encode()
    if roll < 0.07:
        return f"fz-{i:06d},bad \xff bytes,user,,,,{i},{end}".encode("latin-1")
    if roll < 0.08:
        return f'fz-{i:06d},"closed" then more,user,,,,{i},{end}'.encode()
    rec = textual_record(rng, i)
    cells = [_cell(rec.get(c)) for c in CSV_COLUMNS[:-1]] + [_cell(rec.get("note") or rec.get("likes"))]
    buf = io.StringIO()
    # csv.writer quotes only for its own line end: a cell with another line end must be quoted too
    quoting = csv.QUOTE_ALL if any("\r" in c or "\n" in c for c in cells) else csv.QUOTE_MINIMAL
    csv.writer(buf, lineterminator=end, quoting=quoting).writerow(cells)
    return buf.getvalue().encode("utf-8", "surrogatepass")


def _xml(value: Any) -> str:
    text = _cell(value)
    text = "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else "\x00" for c in text)  # doc-level breakers are separate
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\x00", "&#0;")
        .replace("\r", "&#13;")
    )


def rss_document(rng: random.Random, first: int, n: int) -> bytes:
    """An RSS 2.0 document with entries ``first`` … ``first + n - 1``."""
    items = []
    for i in range(first, first + n):
        rec = textual_record(rng, i)
        date = rec.get("created_at")
        pub = "Fri, 20 Nov 2026 08:00:00 +0700" if date == "2026-11-20T08:00:00+07:00" else _xml(date)
        items.append(
            f"<item><guid>{_xml(rec.get('external_id'))}</guid><title>{_xml(rec.get('text'))}</title>"
            f"<description>entry {i}</description><author>{_xml(rec.get('author'))}</author>"
            f"<link>{_xml(rec.get('url') or f'https://partner.example/p/{i}')}</link>"
            f"<pubDate>{pub}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>fuzz</title>'
        f"<link>https://partner.example/</link><description>d</description>{''.join(items)}</channel></rss>"
    ).encode()


RSS_BREAKERS = (b"&#xD800;", b"&#x110000;", b"\xff", b"\xc3\x28")

BOM_UTF8 = b"\xef\xbb\xbf"


def api_page(items: list[bytes], next_cursor: str | None) -> bytes:
    """A ``{"data": [...], "next_cursor": …}`` page from already serialised items."""
    return b'{"data": [' + b",".join(items) + b'], "next_cursor": ' + json.dumps(next_cursor).encode() + b"}"


def pages_app(pages: list[bytes]) -> Any:
    """A FastAPI app serving ``pages`` by cursor ``p<offset>`` (the first page without a cursor)."""
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()

    @app.get("/posts")
    async def posts(cursor: str | None = None, limit: int = 500) -> Response:
        n = int(cursor[1:]) // limit if cursor else 0
        return Response(pages[n], media_type="application/json")

    return app
