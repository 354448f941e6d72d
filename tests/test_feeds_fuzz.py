"""Fuzz: 10,000 generated malformed records through the parsing layer and the store.

Each generated line is broken in one of the ways partners break them (bad bytes, cut-off JSON,
wrong types, missing or oversized fields, naive dates, lone surrogates, non-objects). Required:
no exception escapes, every line becomes a reject with a reason, and all of them land in the
quarantine table (stored in batches, as the flow does).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from feeds.base import Batch
from feeds.parse import parse_json_line
from feeds.records import PostRecord
from flows.pipeline import store_batch
from store.db import session_scope
from store.schema import Post, Quarantine

N = 10_000
PER_EXAMPLE = 50  # lines per hypothesis example (fewer examples, same 10,000 lines)
BASE: dict[str, Any] = {"external_id": "x1", "text": "ok", "created_at": "2026-11-20T08:00:00+07:00",
                        "url": "https://example.org/1", "platform": "facebook"}

text_values = st.text(max_size=30)
bad_field = st.one_of(
    st.tuples(st.just("external_id"), st.one_of(st.just(""), st.text(min_size=201, max_size=260), st.booleans(),
                                                st.floats(allow_nan=False), st.lists(text_values, max_size=3),
                                                st.dictionaries(text_values, text_values, max_size=2), st.none())),
    st.tuples(st.just("text"), st.one_of(st.integers(), st.lists(text_values, max_size=3), st.none(),
                                         st.booleans(), st.dictionaries(text_values, st.integers(), max_size=2))),
    st.tuples(st.just("created_at"), st.one_of(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20),
        st.datetimes().map(lambda d: d.isoformat()),  # naive: no time zone
        st.lists(st.integers(), max_size=2))),
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
        return line[:draw(st.integers(min_value=0, max_value=len(line) - 1))]
    if kind == "bytes":
        return draw(st.binary(max_size=120).filter(lambda b: b.strip() != b"" and not b.lstrip().startswith(b"{")))
    if kind == "not_object":
        value = draw(st.one_of(st.lists(st.integers(), max_size=3), st.integers(), st.text(max_size=10), st.none(),
                               st.booleans()))
        return json.dumps(value).encode()
    if kind == "surrogate":
        return json.dumps(dict(rec, text=rec["text"] + "\ud800")).encode()  # JSON escape of a lone surrogate
    line = json.dumps(rec).encode()
    cut = draw(st.integers(min_value=0, max_value=len(line)))
    return line[:cut] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])) + line[cut:]


def test_ten_thousand_malformed_records_all_quarantined(sqlite_url: str) -> None:
    lines: list[bytes] = []

    @settings(max_examples=N // PER_EXAMPLE, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
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
        raw, reason = parsed
        assert reason and isinstance(raw, str)
        batch.rejects.append(parsed)
        if len(batch) >= 2000:
            stored += store_batch("fuzz", "dropfolder", batch)[1]
            batch = Batch()
    stored += store_batch("fuzz", "dropfolder", batch)[1]
    assert accepted == 0
    with session_scope() as s:
        assert s.scalar(select(func.count(Quarantine.id))) == stored == len(lines)
        assert s.scalar(select(func.count(Post.id))) == 0
        assert (s.scalar(select(func.max(func.length(Quarantine.raw)))) or 0) <= 4000
