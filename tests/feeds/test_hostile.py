"""One test per defect found by attacking the connectors (hostile and sloppy partners).

Each builds the partner input that broke ingest before, runs the real connector (and, where the
defect was about the flow, the real ingest flow or CLI), and checks that good records are stored,
bad ones are quarantined once with their reason and place, and the cursor moves past them.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from feeds.base import Batch
from feeds.dropfolder import DropFolder
from feeds.parse import parse_json_line, parse_object
from feeds.records import PostRecord
from feeds.rss import RssFeed
from flows.partners import load_partners
from flows.pipeline import ingest_flow, store_batch
from store.db import session_scope
from store.posts import (
    SOURCES,
    LeaseLost,
    acquire_lease,
    get_cursor,
    post_edits,
    post_ids,
    quarantine_payload,
    set_cursor,
)
from store.schema import Post, Quarantine, utcnow

GOOD = {"external_id": "ok-1", "text": "bus to Kampot at 7", "created_at": "2026-11-20T08:00:00+07:00"}
MAP = {"id": "external_id"}


def _line(**kw: Any) -> str:
    return json.dumps({**GOOD, **kw})


def _partners(tmp: Path, body: str) -> Path:
    path = tmp / "partners.yaml"
    path.write_text("partners:\n" + body, encoding="utf-8")
    return path


def _closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quarantine(source: str) -> list[Quarantine]:
    with session_scope() as s:
        return list(s.scalars(select(Quarantine).where(Quarantine.source == source).order_by(Quarantine.id)))


def _ids(source: str) -> list[str]:
    with session_scope() as s:
        return sorted(post_ids(s, source))


# The records of defect 1: each made a whole batch fail before (on SQLite, PostgreSQL or both).
BLOCKERS = [
    _line(external_id="b-author", author="x\ud800y"),
    '{"external_id": "b-int", "text": "t", "views": ' + "7" * 4400 + "}",
    _line(external_id="b-late", created_at="9999-12-31T23:59:59-01:00"),
    _line(external_id="b-early", created_at="0001-01-01T00:00:00+01:00"),
    _line(external_id="b-nul-text", text="a\x00b"),
    _line(external_id="b-nul\x00id"),
    _line(external_id="b-nul-url", url="https://example.org/\x00"),
    _line(external_id="b-nul-platform", platform="fb\x00"),
    _line(external_id="b-nan", likes=float("nan")),
    _line(external_id="b-inf", likes=float("inf")),
    '{"external_id": "b-1e400", "text": "t", "likes": 1e400}',
    _line(external_id="b-sur-extra", note="\udc00"),
    '{"external_id": "b-deep", "text": "t", "x": ' + "[" * 1000 + "]" * 1000 + "}",
]


def test_1_one_bad_record_never_blocks_a_partner_nor_the_next(db_url: str, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    good = [_line(external_id=f"g-{i}", text=f"market prices {i}") for i in range(20)]
    lines = [x for pair in zip(good, BLOCKERS + [""] * 20, strict=False) for x in pair if x]
    (drop / "a.jsonl").write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n" + b"\x00\x00 raw\n")
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "b.jsonl").write_text(_line(external_id="later-1") + "\n", encoding="utf-8")
    partners = _partners(
        tmp_path,
        "  - {name: hostile, kind: dropfolder, path: drop}\n"
        f"  - {{name: broken, kind: http, url: 'http://127.0.0.1:{_closed_port()}/x', "
        "retries: 1}\n"
        "  - {name: later, kind: dropfolder, path: later}\n",
    )
    from flows.cli import app

    out = CliRunner().invoke(app, ["feeds", "ingest", "--partners", str(partners), "--no-cluster"])
    assert out.exit_code == 1, out.output  # one partner failed ...
    assert "broken" in out.output and "failed partners: broken" in out.output  # ... and is named
    assert _ids("hostile") == sorted(f"g-{i}" for i in range(20))
    assert _ids("later") == ["later-1"]  # the partner after the failed one was read
    bad = _quarantine("hostile")
    assert len(bad) == len(BLOCKERS) + 1 and all(q.reason and q.location for q in bad)
    with session_scope() as s:
        assert get_cursor(s, "hostile") == "a.jsonl"  # moved past every bad record
    again = ingest_flow(load_partners(partners)[0])  # the rerun has nothing left to do
    assert (again.read, again.stored, again.quarantined, again.error) == (0, 0, 0, None)


def test_1_a_record_the_database_refuses_is_isolated(db_url: str) -> None:
    """Whatever passes validation but still fails at insert is bisected out and quarantined alone."""
    good = [PostRecord(source="iso", external_id=f"g-{i}", text=f"post {i}") for i in range(500)]
    unstorable = PostRecord.model_construct(
        source="iso",
        external_id="bad-set",
        text="t",
        author=None,
        created_at=None,
        url=None,
        platform=None,
        location_hint=None,
        lang_hint=None,
        extras={"s": {1, 2}},
    )  # not JSON: refused at insert
    batch = Batch(records=[*good[:250], unstorable, *good[250:]], cursor="f.jsonl@501")
    counts = store_batch("iso", "dropfolder", batch)
    assert (counts.new, counts.quarantined, counts.refused) == (500, 1, 1)
    (q,) = _quarantine("iso")
    assert q.reason.startswith("refused by the database") and "bad-set" in (q.location or "")
    with session_scope() as s:
        assert get_cursor(s, "iso") == "f.jsonl@501"
        assert s.scalar(select(func.count(Post.id))) == 500


def test_3_a_file_still_being_written_is_read_up_to_its_last_full_line(sqlite_url: str, tmp_path: Path) -> None:
    rows = [_line(external_id=f"u-{i}") for i in range(1500)]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(rows[:1000]) + "\n" + rows[1000][:17], encoding="utf-8")  # mid-upload
    conn = DropFolder("up", tmp_path)
    got = list(conn.read(None))
    assert sum(len(b.records) for b in got) == 1000 and not any(b.rejects for b in got)
    assert got[-1].cursor == "a.jsonl@1000"  # not done: the half line waits
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")  # the upload completes
    rest = list(conn.read(got[-1].cursor))
    assert [r.external_id for b in rest for r in b.records] == [f"u-{i}" for i in range(1000, 1500)]
    assert rest[-1].cursor == "a.jsonl"
    # A partner that never writes a final newline: complete once the file has settled.
    (tmp_path / "b.jsonl").write_text("\n".join(rows[:3]), encoding="utf-8")
    assert list(conn.read("a.jsonl"))[-1].cursor == "b.jsonl@2"
    old = time.time() - 3600
    os.utime(tmp_path / "b.jsonl", (old, old))
    (done,) = list(conn.read("b.jsonl@2"))
    assert [r.external_id for r in done.records] == ["u-2"] and done.cursor == "b.jsonl"
    (tmp_path / "c.jsonl").touch()  # an upload that has just begun is not a finished empty file
    assert [b.cursor for b in conn.read("b.jsonl")] == ["c.jsonl@0"]


def test_4_csv_open_quote_and_huge_cell_are_quarantined_per_row(sqlite_url: str, tmp_path: Path) -> None:
    rows = [f"c-{i},post number {i}" for i in range(10)]
    rows[3] = 'c-3,"a quote that is never closed'
    (tmp_path / "a.csv").write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"id,text\nh-0,{'x' * 140_000}\nh-1,fine\n", encoding="utf-8")
    got = list(DropFolder("csv", tmp_path, MAP).read(None))
    ids = [r.external_id for b in got for r in b.records]
    assert ids == [f"c-{i}" for i in range(10) if i != 3] + ["h-1"]
    assert [r.text for b in got for r in b.records][3] == "post number 4"  # not swallowed into row 3
    rejects = [r for b in got for r in b.rejects]
    assert [r.where for r in rejects] == ["a.csv line 5", "b.csv line 2"]
    assert rejects[0].raw == b'c-3,"a quote that is never closed\n'  # the row as it was in the file
    assert "CSV" in rejects[0].reason and "field larger than field limit" in rejects[1].reason
    assert got[-1].cursor == "b.csv"


KHMER_RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<link>https://ngo.example/</link><description>d</description>
<item><guid>k-1</guid><title>ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ</title></item>
<item><guid>k-2</guid><title>ពិធីបុណ្យនៅវត្ត BROKEN</title></item></channel></rss>"""


def test_5_rss_with_an_invalid_byte_is_quarantined_not_mojibake(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(KHMER_RSS.encode().replace(b"BROKEN", b"\xff"))
    (batch,) = list(RssFeed("ngo", str(path)).read(None))
    assert batch.records == [] and batch.cursor is None
    (reject,) = batch.rejects
    assert "not valid utf-8" in reject.reason and reject.raw == path.read_bytes()
    store_batch("ngo", "rss", batch)
    path.write_bytes(KHMER_RSS.encode().replace(b" BROKEN", b""))  # the partner fixes the feed
    (fixed,) = list(RssFeed("ngo", str(path)).read(None))
    assert [r.text for r in fixed.records] == ["ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ", "ពិធីបុណ្យនៅវត្ត"]


def test_7_whitespace_ids_are_refused_and_stripped(sqlite_url: str) -> None:
    bad = [parse_object("s", {"external_id": " " * (1 + i % 3), "text": f"post {i}"}) for i in range(100)]
    assert all(not isinstance(b, PostRecord) and "external_id" in b.reason for b in bad)
    rec = parse_object("s", {"external_id": "  id-7\t", "text": "t"})
    assert isinstance(rec, PostRecord) and rec.external_id == "id-7"


def test_7_a_resent_id_with_new_text_is_kept_as_an_edit(db_url: str) -> None:
    first = PostRecord(source="e", external_id="p-1", text="room for rent, ask inside")
    edited = first.model_copy(update={"text": "room for rent, now taken"})
    assert store_batch("e", "http", Batch(records=[first])).new == 1
    counts = store_batch("e", "http", Batch(records=[edited, first]))
    assert (counts.new, counts.edited) == (0, 1)
    assert store_batch("e", "http", Batch(records=[edited])).edited == 0  # kept once
    with session_scope() as s:
        post = s.scalars(select(Post).where(Post.source == "e")).one()
        assert post.text == first.text  # the text it was scored on stays
        assert [e.text for e in post_edits(s, post.id)] == [edited.text]


def test_8_byte_order_marks_are_dropped(sqlite_url: str, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "a.csv").write_bytes(bom + b"id,text\nc-1,one\nc-2,two\n")
    (tmp_path / "b.jsonl").write_bytes(
        bom + (_line(external_id="j-1") + "\n" + _line(external_id="j-2")).encode() + b"\n"
    )
    got = list(DropFolder("bom", tmp_path, MAP).read(None))
    assert [r.external_id for b in got for r in b.records] == ["c-1", "c-2", "j-1", "j-2"]
    assert not any(b.rejects for b in got)


def test_9_quarantine_keeps_whole_payloads_once_and_cr_lines_apart(db_url: str, tmp_path: Path) -> None:
    big = json.dumps({"external_id": "big", "text": "", "pad": "p" * 50_000}).encode()
    lines = [_line(external_id=f"cr-{i}") if i % 100 else "{broken" for i in range(1000)]
    (tmp_path / "a.jsonl").write_bytes(big + b"\n" + "\r".join(lines).encode() + b"\r")
    with gzip.open(tmp_path / "b.jsonl.gz", "wb") as fh:
        fh.write(b"\x00\x01 raw bytes\n")
    partners = _partners(tmp_path, f"  - {{name: q, kind: dropfolder, path: {tmp_path}}}\n")
    res = ingest_flow(load_partners(partners)[0])
    assert res.stored == 990 and res.quarantined == 1 + 10 + 1
    with session_scope() as s:
        set_cursor(s, "q", "dropfolder", None)  # read everything again: nothing is quarantined twice
    assert ingest_flow(load_partners(partners)[0]).quarantined == 0
    rows = _quarantine("q")
    assert len(rows) == 12
    assert quarantine_payload(rows[0]) == big and rows[0].raw_bytes == len(big) and not rows[0].raw_truncated
    assert [q.location for q in rows[1:3]] == ["a.jsonl line 2", "a.jsonl line 102"]
    assert quarantine_payload(rows[-1]) == b"\x00\x01 raw bytes" and "\\x00" in rows[-1].raw


def test_10_one_ingest_per_partner_and_the_cursor_never_moves_back(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "a.jsonl").write_text(_line() + "\n", encoding="utf-8")
    partner = load_partners(_partners(tmp_path, "  - {name: busy, kind: dropfolder, path: drop}\n"))[0]
    with session_scope() as s:  # another live run (this very process, another run id) holds the lease
        assert (
            acquire_lease(
                s, "busy", "dropfolder", f"{socket.gethostname()}:{os.getpid()}:other", utcnow().replace(year=2100)
            )
            is None
        )
    res = ingest_flow(partner)
    assert res.skipped and "holds the lease" in res.skipped and res.read == 0 and res.error is None
    assert _ids("busy") == []
    with session_scope() as s, pytest.raises(LeaseLost):
        set_cursor(s, "busy", "dropfolder", "a.jsonl", owner="a-run-without-the-lease")
    with session_scope() as s:  # a dead holder's lease (a kill -9) is taken over at once
        s.execute(SOURCES.update().values(lease_owner=f"{socket.gethostname()}:999999999:gone"))
    assert ingest_flow(partner).stored == 1


def test_11_limits_are_enforced(sqlite_url: str) -> None:
    cases = {
        "extra fields are": _line(blob="b" * (10 * 1024 * 1024)),
        "date outside": _line(created_at="9999-01-01T00:00:00+00:00"),
        "text is empty": _line(text=""),
        "nested deeper": _line(x=json.loads("[" * 40 + "]" * 40)),
    }
    for expect, line in cases.items():
        got = parse_json_line("lim", line.encode())
        assert not isinstance(got, PostRecord) and expect in got.reason, (expect, got)


def test_9_replay_reingests_fixed_records(sqlite_url: str, tmp_path: Path) -> None:
    from flows.cli import app

    (tmp_path / "drop").mkdir()
    long_text = "a long notice about bus routes " * 200  # 6,200 characters
    (tmp_path / "drop" / "a.jsonl").write_text(
        json.dumps({"id": "r-1", "body": long_text}) + "\n" + json.dumps({"id": "r-2", "body": ""}) + "\n",
        encoding="utf-8",
    )
    partners = _partners(tmp_path, "  - {name: rp, kind: dropfolder, path: drop, mapping: {id: external_id}}\n")
    assert ingest_flow(load_partners(partners)[0]).quarantined == 2  # no `text`: the mapping lacks body
    partners.write_text(
        "partners:\n  - {name: rp, kind: dropfolder, path: drop, mapping: {id: external_id, body: text}}\n",
        encoding="utf-8",
    )  # the mapping is fixed
    out = CliRunner().invoke(app, ["feeds", "replay", "rp", "--partners", str(partners)])
    assert out.exit_code == 0, out.output
    assert "replayed 1 of 2" in out.output and "text is empty" in out.output
    with session_scope() as s:
        assert s.scalars(select(Post.text).where(Post.external_id == "r-1")).one() == long_text  # whole payload
    (still,) = [q for q in _quarantine("rp") if q.replayed_at is None]
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps({"id": "r-2", "body": "fixed by hand"}), encoding="utf-8")
    out = CliRunner().invoke(
        app, ["feeds", "replay", "rp", "--partners", str(partners), "--id", str(still.id), "--fixed", str(fixed)]
    )
    assert out.exit_code == 0 and "replayed 1 of 1" in out.output, out.output
    assert _ids("rp") == ["r-1", "r-2"] and all(q.replayed_at for q in _quarantine("rp"))


def test_1_a_batch_refused_whole_fails_loudly_instead_of_quarantining_it(sqlite_url: str) -> None:
    """When every record is refused the cause is not the records: the run fails and the cursor stays."""
    unstorable = [
        PostRecord.model_construct(
            source="sys",
            external_id=f"s-{i}",
            text="t",
            author=None,
            created_at=None,
            url=None,
            platform=None,
            location_hint=None,
            lang_hint=None,
            extras={"s": {i}},
        )
        for i in range(12)
    ]
    with pytest.raises(RuntimeError, match="refused all 12"):
        store_batch("sys", "dropfolder", Batch(records=unstorable, cursor="f.jsonl@12"))
    assert _quarantine("sys") == []
    with session_scope() as s:
        assert get_cursor(s, "sys") is None


def test_9_quarantine_cap_is_stated_and_flagged(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.settings import get_settings

    monkeypatch.setenv("CHHMAM_FEEDS_QUARANTINE_MAX_BYTES", "1000")
    get_settings.cache_clear()
    raw = b'{"external_id": "huge", "pad": "' + b"p" * 5000 + b'"}'
    parsed = parse_json_line("cap", raw)
    assert not isinstance(parsed, PostRecord)
    store_batch("cap", "dropfolder", Batch(rejects=[parsed]))
    (q,) = _quarantine("cap")
    assert q.raw_truncated and q.raw_bytes == len(raw) and quarantine_payload(q) == raw[:1000]
