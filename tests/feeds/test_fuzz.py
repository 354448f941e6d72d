"""Fuzz: hostile records through the parsing layer, the real connectors and the store.

The first test breaks JSON lines the ways partners break them (bad bytes, cut-off JSON, wrong
types, missing or oversized fields, naive dates, lone surrogates, non-objects): every line is a
reject with a reason and lands in quarantine. The second sends 10,000 hostile records per
connector kind (JSONL and CSV drop files, an HTTP API on 127.0.0.1, RSS documents) through the
real connectors into SQLite and PostgreSQL: no exception may escape, and every record is either
stored or quarantined with a reason (the counts are printed).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from feeds.base import Batch
from feeds.dropfolder import DropFolder
from feeds.fetch import RetryPolicy
from feeds.httpapi import HttpApi
from feeds.parse import parse_json_line
from feeds.records import PostRecord
from feeds.rss import RssFeed
from feeds.simulator import ServerThread
from flows.pipeline import store_batch
from store.db import session_scope
from store.posts import quarantine_payload
from store.schema import Post, Quarantine
from tests.support import feeds_hostile as hostile

N = 10_000
PER_EXAMPLE = 50  # lines per hypothesis example (fewer examples, same 10,000 lines)
BASE: dict[str, Any] = {
    "external_id": "x1",
    "text": "ok",
    "created_at": "2026-11-20T08:00:00+07:00",
    "url": "https://example.org/1",
    "platform": "facebook",
}

text_values = st.text(max_size=30)
bad_field = st.one_of(
    st.tuples(
        st.just("external_id"),
        st.one_of(
            st.just(""),
            st.text(min_size=201, max_size=260),
            st.booleans(),
            st.floats(allow_nan=False),
            st.lists(text_values, max_size=3),
            st.dictionaries(text_values, text_values, max_size=2),
            st.none(),
        ),
    ),
    st.tuples(
        st.just("text"),
        st.one_of(
            st.integers(),
            st.lists(text_values, max_size=3),
            st.none(),
            st.booleans(),
            st.dictionaries(text_values, st.integers(), max_size=2),
        ),
    ),
    st.tuples(
        st.just("created_at"),
        st.one_of(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20),
            st.datetimes().map(lambda d: d.isoformat()),  # naive: no time zone
            st.lists(st.integers(), max_size=2),
        ),
    ),
    st.tuples(st.just("url"), st.one_of(st.text(min_size=2001, max_size=2100), st.integers(), st.booleans())),
    st.tuples(st.just("platform"), st.text(min_size=51, max_size=80)),
    st.tuples(st.just("author"), st.one_of(st.integers(), st.lists(text_values, min_size=1, max_size=2))),
)


@st.composite
def malformed_line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["field", "missing", "truncated", "bytes", "not_object", "surrogate", "utf8"]))
    rec = dict(BASE, external_id=draw(st.text(min_size=1, max_size=20)), text=draw(st.text(max_size=80)))
    if kind == "field":
        name, value = draw(bad_field)
        rec[name] = value
        return json.dumps(rec).encode()
    if kind == "missing":
        del rec[draw(st.sampled_from(["external_id", "text"]))]
        return json.dumps(rec).encode()
    if kind == "truncated":
        line = json.dumps(rec, ensure_ascii=False).encode()
        return line[: draw(st.integers(min_value=0, max_value=len(line) - 1))]
    if kind == "bytes":
        return draw(st.binary(max_size=120).filter(lambda b: b.strip() != b"" and not b.lstrip().startswith(b"{")))
    if kind == "not_object":
        value = draw(
            st.one_of(
                st.lists(st.integers(), max_size=3), st.integers(), st.text(max_size=10), st.none(), st.booleans()
            )
        )
        return json.dumps(value).encode()
    if kind == "surrogate":
        return json.dumps(dict(rec, text=rec["text"] + "\ud800")).encode()  # JSON escape of a lone surrogate
    line = json.dumps(rec).encode()
    cut = draw(st.integers(min_value=0, max_value=len(line)))
    return line[:cut] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])) + line[cut:]


def test_ten_thousand_malformed_records_all_quarantined(sqlite_url: str) -> None:
    lines: list[bytes] = []

    @settings(
        max_examples=N // PER_EXAMPLE,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(malformed_line(), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE))
    def collect(chunk: list[bytes]) -> None:
        lines.extend(chunk)

    collect()
    assert len(lines) == N
    batch = Batch()
    stored = accepted = 0
    for line in lines:
        parsed = parse_json_line("fuzz", line)  # must never raise
        if isinstance(parsed, PostRecord):
            accepted += 1
            continue
        assert parsed.reason and parsed.raw == line  # the line as received, with a reason
        batch.rejects.append(parsed)
        if len(batch) >= 2000:
            stored += store_batch("fuzz", "dropfolder", batch)[1]
            batch = Batch()
    stored += store_batch("fuzz", "dropfolder", batch)[1]
    assert accepted == 0
    with session_scope() as s:  # one row per distinct bad payload (a rerun adds none)
        assert s.scalar(select(func.count(Quarantine.id))) == stored == len(set(lines))
        assert s.scalar(select(func.count(Post.id))) == 0
        assert (s.scalar(select(func.max(func.length(Quarantine.raw)))) or 0) <= 4000
        payloads = {quarantine_payload(q) for q in s.scalars(select(Quarantine))}
    assert payloads == set(lines)  # the whole payload, byte for byte


N_HOSTILE = 10_000


def _store_all(source: str, kind: str, batches: Iterator[Batch]) -> tuple[int, int, int]:
    """Store every batch as the ingest flow does; (records read, new posts, rejects yielded)."""
    read = new = rejects = 0
    for batch in batches:
        read += len(batch.records)
        rejects += len(batch.rejects)
        new += store_batch(source, kind, batch).new
    return read, new, rejects


def _outcome(source: str) -> tuple[int, int]:
    with session_scope() as s:
        posts = int(s.scalar(select(func.count(Post.id)).where(Post.source == source)) or 0)
        bad = list(s.scalars(select(Quarantine.reason).where(Quarantine.source == source)))
    assert all(r.strip() for r in bad)
    refused = [r for r in bad if r.startswith("refused by the database")]
    if refused:
        print(f"  {len(refused)} refused by the database, e.g. {refused[0][:200]!r}")
    return posts, len(bad)


def _report(kind: str, source: str, t0: float, extra: int = 0) -> None:
    posts, bad = _outcome(source)
    print(
        f"{kind}: {N_HOSTILE} hostile records -> stored {posts}, quarantined {bad}"
        + (f" (+{extra} more inside quarantined documents)" if extra else "")
        + f", {time.monotonic() - t0:.1f} s"
    )
    assert posts + bad + extra == N_HOSTILE, (posts, bad, extra)
    assert posts > 1000 and bad > 1000  # the generator exercises both outcomes


def test_ten_thousand_hostile_records_per_connector(db_url: str, tmp_path: Path) -> None:
    rng = random.Random(2026)
    drop_j, drop_c = tmp_path / "jsonl", tmp_path / "csv"
    drop_j.mkdir()
    drop_c.mkdir()
    (drop_j / "a.jsonl").write_bytes(
        hostile.BOM_UTF8
        + b"".join(hostile.jsonl_line(rng, i) + rng.choice((b"\n", b"\r\n", b"\r")) for i in range(N_HOSTILE))
    )
    (drop_c / "a.csv").write_bytes(
        hostile.BOM_UTF8
        + ",".join(hostile.CSV_COLUMNS).encode()
        + b"\r\n"
        + b"".join(hostile.csv_row(rng, i) for i in range(N_HOSTILE))
    )

    t0 = time.monotonic()
    _store_all("fz-jsonl", "dropfolder", DropFolder("fz-jsonl", drop_j, batch_size=2000).read(None))
    _report("JSONL drop", "fz-jsonl", t0)

    t0 = time.monotonic()
    _store_all("fz-csv", "dropfolder", DropFolder("fz-csv", drop_c, batch_size=2000).read(None))
    _report("CSV drop", "fz-csv", t0)

    t0 = time.monotonic()
    pages = [
        hostile.api_page(
            [hostile.to_json(hostile.record(rng, i)) for i in range(p, min(p + 500, N_HOSTILE))],
            f"p{p + 500}" if p + 500 < N_HOSTILE else None,
        )
        for p in range(0, N_HOSTILE, 500)
    ]
    with ServerThread(hostile.pages_app(pages)) as server:
        api = HttpApi(
            "fz-http", f"{server.url}/posts", page_size=500, batch_size=2000, policy=RetryPolicy(attempts=1, timeout=30)
        )
        _store_all("fz-http", "http", api.read(None))
    _report("HTTP API", "fz-http", t0)

    t0 = time.monotonic()
    in_broken_docs = 0
    for n, first in enumerate(range(0, N_HOSTILE, 100)):
        doc = hostile.rss_document(rng, first, 100)
        if n % 25 == 3:  # a few documents that cannot be read at all: quarantined whole
            doc = doc.replace(b"<description>entry", hostile.RSS_BREAKERS[n % 4] + b"<description>entry", 1)
            in_broken_docs += 100 - 1  # its 100 entries are in one quarantine row
        path = tmp_path / f"feed{n}.xml"
        path.write_bytes(doc)
        _store_all("fz-rss", "rss", RssFeed("fz-rss", str(path)).read(None))
    _report("RSS", "fz-rss", t0, extra=in_broken_docs)
