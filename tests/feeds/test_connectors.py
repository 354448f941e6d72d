"""Drop-folder (JSONL, CSV, gzip) and RSS/Atom connectors, partner config, without Prefect."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from feeds.base import Batch, FeedError
from feeds.dropfolder import DropFolder
from feeds.fetch import parse_retry_after
from feeds.rss import RssFeed
from feeds.simulator import FeedState, ServerThread, create_app, sample_posts
from flows.partners import Partner, load_partners


def _rows(n: int, prefix: str) -> list[str]:
    return [json.dumps({"pid": f"{prefix}{i}", "body": f"text {i}", "ts": "2026-11-20T01:00:00Z"}) for i in range(n)]


def _all(batches: list[Batch]) -> tuple[list[str], list[str], str | None]:
    return (
        [r.external_id for b in batches for r in b.records],
        [rj.reason for b in batches for rj in b.rejects],
        batches[-1].cursor if batches else None,
    )


def test_dropfolder_jsonl_csv_gzip_and_cursor(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("\n".join(_rows(5, "a")) + "\n\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(_rows(7, "b")) + "\n{oops\n")
    (tmp_path / "c.csv").write_text(
        'pid,body,ts\nc0,"hello, world",\nc1,,2026-11-20T01:00:00Z\nc2,x,y,z\n', encoding="utf-8"
    )
    (tmp_path / "ignored.txt").write_text("not a feed file", encoding="utf-8")
    mapping = {"pid": "external_id", "body": "text", "ts": "created_at"}
    conn = DropFolder("p", tmp_path, mapping, batch_size=4)
    ids, reasons, cursor = _all(list(conn.read(None)))
    assert ids == [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(7)] + ["c0"]
    assert len(reasons) == 3  # cut-off JSON, CSV row with no text, CSV row with extra cells
    assert any("invalid JSON" in r for r in reasons) and any("text" in r for r in reasons)
    assert any("more cells" in r for r in reasons)
    assert cursor == "c.csv"
    assert list(conn.read("c.csv")) == []
    # a mid-file cursor resumes inside the file
    batches = list(conn.read(None))
    mid = batches[0].cursor
    assert mid == "a.jsonl@4"
    ids_after, _, _ = _all(list(conn.read(mid)))
    assert ids_after == ids[4:]


def test_truncated_gzip_keeps_cursor_inside_the_file(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(_rows(2000, "g")) + "\n").encode())
    (tmp_path / "g.jsonl.gz").write_bytes(data[: len(data) // 2])  # partner still uploading
    conn = DropFolder("p", tmp_path, {"pid": "external_id", "body": "text", "ts": "created_at"}, batch_size=500)
    got: list[Batch] = []
    with pytest.raises(FeedError, match="unreadable"):
        for b in conn.read(None):
            got.append(b)
    assert got and got[-1].cursor and got[-1].cursor.startswith("g.jsonl.gz@")
    n = int(got[-1].cursor.split("@")[1])
    assert n == sum(len(b.records) for b in got) > 0


def test_rss_and_atom_over_http_and_file(tmp_path: Path) -> None:
    state = FeedState(sample_posts(30))
    with ServerThread(create_app(state)) as server:
        feed = RssFeed("news", f"{server.url}/feed.xml")
        (batch,) = list(feed.read(None))
        assert len(batch.records) == 30 and not batch.rejects
        assert batch.records[0].created_at is not None and batch.records[0].url
        assert list(feed.read(batch.cursor)) == []  # ETag: 304, nothing to do
    atom = tmp_path / "feed.atom"
    atom.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>NGO bulletin</title><id>urn:x</id>
<updated>2026-11-20T00:00:00Z</updated>
<entry><id>urn:1</id><title>Safe migration advice</title><summary type="html">&lt;p&gt;Check the agency
licence first&lt;/p&gt;</summary><updated>2026-11-20T00:00:00Z</updated><author><name>NGO</name></author></entry>
<entry><title></title><summary></summary></entry>
</feed>""",
        encoding="utf-8",
    )
    (batch,) = list(RssFeed("ngo", str(atom)).read(None))
    assert [r.external_id for r in batch.records] == ["urn:1"]
    assert batch.records[0].text == "Safe migration advice\nCheck the agency licence first"
    assert len(batch.rejects) == 1  # an entry with no id, link or text


def test_retry_after_forms() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_partner_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "partners:\n - {name: a, kind: dropfolder, path: d}\n"
        " - {name: b, kind: http, url: 'http://127.0.0.1:1/x', auth_env: B_TOKEN, pagination: page_token}\n"
        " - {name: c, kind: rss, url: feeds/c.xml}\n",
        encoding="utf-8",
    )
    a, b, c = load_partners(cfg)
    assert a.path == tmp_path / "d" and c.url == str(tmp_path / "feeds" / "c.xml")
    with pytest.raises(FeedError, match="B_TOKEN"):
        b.connector()
    monkeypatch.setenv("B_TOKEN", "t")
    assert b.token() == "t"
    with pytest.raises(ValueError, match="needs `url`"):
        Partner.model_validate({"name": "x", "kind": "http"})
    cfg.write_text(
        "partners:\n - {name: a, kind: dropfolder, path: d}\n - {name: a, kind: dropfolder, path: e}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unique"):
        load_partners(cfg)
