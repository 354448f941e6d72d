"""The HTTP connector and ingest flow against the partner-feed simulator on 127.0.0.1, fault by fault."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from feeds.simulator import BAD_RECORDS, FAULT_KINDS, Fault, FeedState, ServerThread, create_app, sample_posts
from flows.partners import Partner
from flows.pipeline import ingest_flow
from store.db import session_scope
from store.posts import get_cursor, post_ids
from store.schema import Post, Quarantine

N_POSTS = 300
PAGE = 50


@pytest.fixture
def feed() -> Iterator[tuple[FeedState, str]]:
    state = FeedState(sample_posts(N_POSTS), token="s3cret")
    with ServerThread(create_app(state)) as server:
        yield state, server.url


def _partner(base: str, monkeypatch: pytest.MonkeyPatch, **kw: object) -> Partner:
    monkeypatch.setenv("SIM_TOKEN", "s3cret")
    cfg: dict[str, object] = {
        "name": "sim",
        "kind": "http",
        "url": f"{base}/posts",
        "auth_env": "SIM_TOKEN",
        "mapping": {"id": "external_id", "user.handle": "author"},
        "page_size": PAGE,
        "batch_size": 120,
        "timeout_s": 0.5,
        "retries": 4,
        "backoff_max_s": 0.2,
    }
    cfg.update(kw)
    return Partner.model_validate(cfg)


def _stored() -> tuple[list[str], int]:
    with session_scope() as s:
        return sorted(post_ids(s, "sim")), int(s.scalar(select(func.count(Quarantine.id))) or 0)


EXPECTED_IDS = sorted(p["id"] for p in sample_posts(N_POSTS))


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_each_fault_kind(
    kind: str,
    feed: tuple[FeedState, str],
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state, url = feed
    state.faults = [Fault(kind, page=2, times=2, seconds=1.0 if kind == "429" else 1.5)]
    caplog.set_level(logging.WARNING, logger="chhmam.feeds")
    t0 = time.monotonic()
    res = ingest_flow(_partner(url, monkeypatch))
    elapsed = time.monotonic() - t0
    ids, quarantined = _stored()
    assert res.error is None
    assert ids == EXPECTED_IDS  # every good record, exactly once
    failures = [r.getMessage() for r in caplog.records]
    if kind in ("5xx", "429", "timeout", "malformed"):
        assert quarantined == 0
        assert len([m for m in failures if "retrying" in m]) == 2, failures  # one line per failed attempt
        expect = {"5xx": "HTTP 503", "429": "HTTP 429", "timeout": "Timeout", "malformed": "malformed JSON"}[kind]
        assert all(expect in m for m in failures), failures
        if kind == "429":
            assert elapsed >= 2.0  # Retry-After: 1 honoured twice (backoff alone would be < 0.5 s)
    elif kind == "bad_records":
        assert quarantined == len(BAD_RECORDS) == res.quarantined
        assert len([m for m in failures if "quarantined record from sim" in m]) == len(BAD_RECORDS)
        with session_scope() as s:
            reasons = list(s.scalars(select(Quarantine.reason)))
        assert any("created_at" in r for r in reasons) and any("text" in r for r in reasons)
        assert any("external_id" in r for r in reasons)
    elif kind == "duplicates":
        assert res.duplicates == PAGE // 5 and quarantined == 0
    else:
        assert quarantined == 0 and res.stored == N_POSTS


def test_all_faults_at_once_then_rerun(
    feed: tuple[FeedState, str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = feed
    state.faults = [Fault(k, page=i % 6, times=1, seconds=1.0) for i, k in enumerate(FAULT_KINDS)]
    partner = _partner(url, monkeypatch, url=f"{url}/v2/posts", pagination="page_token")
    first = ingest_flow(partner)
    assert first.error is None and first.stored == N_POSTS and first.quarantined == len(BAD_RECORDS)
    again = ingest_flow(partner)  # resumes at the last page: nothing new, nothing twice
    assert again.stored == 0
    ids, _ = _stored()
    assert ids == EXPECTED_IDS
    with session_scope() as s:
        assert s.scalar(select(func.count(Post.id))) == N_POSTS
        assert s.scalar(select(func.count(Post.id)).where(Post.author_hash.like("%user%"))) == 0


def test_page_that_never_parses_stops_safely(
    feed: tuple[FeedState, str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = feed
    state.faults = [Fault("malformed", page=3, times=0)]  # broken for good
    partner = _partner(url, monkeypatch, retries=2)
    res = ingest_flow(partner)
    assert res.error and "giving up" in res.error
    ids, quarantined = _stored()
    assert ids == EXPECTED_IDS[: 3 * PAGE]  # the pages before it are kept
    assert quarantined == 1  # the broken page itself, with its reason
    with session_scope() as s:
        cursor = get_cursor(s, "sim")
        reason = s.scalar(select(Quarantine.reason))
    assert cursor is not None and "malformed JSON" in str(reason)
    assert ingest_flow(partner).error and _stored()[1] == 1  # still broken: quarantined once, not per run
    state.faults = []  # the partner fixes it: the next run resumes from the stored cursor
    res2 = ingest_flow(partner)
    assert res2.error is None and res2.stored == N_POSTS - 3 * PAGE
    assert _stored()[0] == EXPECTED_IDS


def test_end_of_feed_is_resumed_without_repeats(
    feed: tuple[FeedState, str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = feed
    last = (N_POSTS - 1) // PAGE
    state.faults = [Fault("bad_records", page=last, times=0)]  # broken records on the last page, every time
    partner = _partner(url, monkeypatch)
    first = ingest_flow(partner)
    assert first.stored == N_POSTS and first.quarantined == len(BAD_RECORDS)
    again = ingest_flow(partner)  # the last page is read again whole, but nothing on it is stored twice
    assert (again.stored, again.quarantined, again.duplicates) == (0, 0, PAGE)
    state.posts.extend(sample_posts(N_POSTS + 30)[N_POSTS:])  # the partner appends 30 posts
    more = ingest_flow(partner)
    assert more.stored == 30 and more.duplicates == PAGE
    ids, quarantined = _stored()
    assert ids == sorted(p["id"] for p in sample_posts(N_POSTS + 30))
    assert quarantined == len(BAD_RECORDS)  # page 5's bad records were handled once; page 6 is new and clean


def test_wrong_token_is_not_retried_forever(
    feed: tuple[FeedState, str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = feed
    partner = _partner(url, monkeypatch)
    monkeypatch.setenv("SIM_TOKEN", "wrong")
    res = ingest_flow(partner)
    assert res.error and "401" in res.error and res.stored == 0


def test_newest_first_feed_picks_up_new_posts_on_its_first_page(
    feed: tuple[FeedState, str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = feed
    everything = sample_posts(280)
    state.posts = list(reversed(everything[:250]))  # newest first
    partner = _partner(url, monkeypatch, order="newest_first", reread_window_s=600)
    first = ingest_flow(partner)
    assert first.error is None and first.stored == 250
    state.posts[:0] = list(reversed(everything[250:]))  # 30 new posts arrive on top
    second = ingest_flow(partner)
    assert second.error is None and second.stored == 30
    # It stopped once a page held only posts older than the re-read window, not at the end of the feed.
    assert second.read < 250
    with session_scope() as s:
        assert sorted(post_ids(s, "sim")) == sorted(p["id"] for p in everything)


def test_repeated_next_cursor_stops_the_run(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.feeds_hostile import api_page, pages_app

    item = b'{"id": "loop-%d", "text": "same page again"}'
    pages = [api_page([item % i for i in range(p, p + 50)], "p50") for p in (0, 50)]
    app = pages_app(pages)
    with ServerThread(app) as server:
        partner = _partner(server.url, monkeypatch, url=f"{server.url}/posts", auth_env=None)
        t0 = time.monotonic()
        res = ingest_flow(partner)
    assert time.monotonic() - t0 < 30
    assert res.error and "again" in res.error and res.stored == 100
    with session_scope() as s:
        assert get_cursor(s, "sim") == "p50"  # the next run asks for that page again, not past it


def test_error_responses_are_fetch_failures_not_quarantined(
    feed: tuple[FeedState, str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = feed
    state.faults = [Fault("5xx", page=2, times=0)]
    res = ingest_flow(_partner(url, monkeypatch, retries=2))
    assert res.error and "HTTP 503" in res.error
    assert _stored() == (EXPECTED_IDS[: 2 * PAGE], 0)
