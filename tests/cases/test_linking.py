"""Linking on SQLite and PostgreSQL: shared contacts join posts, common ones do not, splits, risk.

Every number is in the unassigned +855 50 / +855 40 ranges; handles and names are made up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from cases.linking import LinkConfig, link_pending, load_allow_list, rebuild, refresh_stale, risk_score
from features.entities import entity_hash
from feeds.records import author_hash
from store import networks
from store.db import session_scope
from store.posts import insert_posts
from store.schema import Decision, Entity, Post, QueueItem

KEY = "test-key"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _posts(texts: list[tuple[str, str | None]], start: int = 0) -> list[int]:
    rows = [
        {
            "source": f"partner{i % 2}",
            "external_id": str(start + i),
            "content_hash": f"h{start + i}",
            "text": text,
            "author_hash": author_hash(author, KEY),
            "created_at": T0 + timedelta(hours=start + i),
            "platform": "facebook" if i % 2 else "telegram",
            "lang": "en",
            "extras": {},
        }
        for i, (text, author) in enumerate(texts)
    ]
    with session_scope() as s:
        insert_posts(s, rows)
        ids = s.scalars(
            select(Post.id).where(Post.external_id.in_([r["external_id"] for r in rows])).order_by(Post.id)
        ).all()
    return [int(i) for i in ids]


def _network(post_id: int) -> int | None:
    with session_scope() as s:
        return networks.network_of_post(s, post_id)


def test_shared_contacts_link_incrementally_and_common_ones_do_not(db_url: str, tmp_path: Path) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text('phone:\n  - {value: "+855 40 000 111", name: test hotline}\n', encoding="utf-8")
    cfg = LinkConfig(KEY, degree_cap=5, post_cap=100, allow_listed=load_allow_list(allow, KEY))
    a = _posts(
        [
            ("Job in Bangkok $900, call 050 111 222", "acct1"),
            ("work abroad, telegram @fake_agent_1", "acct2"),
            ("need girls 16+, hotline for help 040 000 111", "acct3"),
            ("ការងារ ទូរស័ព្ទ ០៥០ ១១១ ២២២ or t.me/fake_agent_1", "acct4"),
            ("unrelated post, call 040 000 111 if in danger", "acct5"),
            ("nothing to link here", None),
        ]
    )
    result = link_pending(config=cfg)
    assert result.posts == 6
    net = _network(a[0])
    assert net is not None and {_network(p) for p in a[:2] + a[3:4]} == {net}
    assert _network(a[2]) == a[2] and _network(a[4]) == a[4] and _network(a[5]) == a[5]  # hotline: no link

    # A later batch: the author acct3 posts again with the ring's number: network grows, old id kept.
    b = _posts([("salary 800$ call zero five zero one one one two two two", "acct3")], start=100)
    link_pending(config=cfg)
    assert _network(b[0]) == net and _network(a[2]) == net
    with session_scope() as s:
        row = networks.get_network(s, net)
        assert row is not None and row.size == 5 and row.authors == 4
        assert row.sources == ["partner0", "partner1"] and row.platforms == ["facebook", "telegram"]
        assert row.first_seen is not None and row.entity_kinds.get("phone") == 1
        shared = networks.shared_entities(s, net)
        assert {e.kind for e in shared} >= {"phone", "handle", "author"}
        assert all(len(e.labels) <= 2 for e in shared)
        assert len(networks.author_history(s, b[0])) == 1
        # no raw contact value anywhere in the entity table
        assert not [h for (h,) in s.execute(select(Entity.value_hash)) if "111222" in h or "fake_agent" in h]


def test_degree_cap_splits_what_a_company_number_merged(db_url: str) -> None:
    cfg = LinkConfig(KEY, degree_cap=3, post_cap=100)
    ring = _posts(
        [("visa job, telegram @fake_ring_77 and bank line 040 999 888", "r1"), ("telegram @fake_ring_77", "r2")]
    )
    other = _posts([("shop loan, call 040 999 888", "c1")], start=10)
    link_pending(config=cfg)
    assert _network(other[0]) == _network(ring[0])  # under the cap: the shared number links
    _posts([(f"bank promotion {i}: 040 999 888", f"c{i + 2}") for i in range(3)], start=20)
    result = link_pending(config=cfg)
    assert result.newly_common == 1 and result.split >= 1
    assert _network(ring[0]) == _network(ring[1]) != _network(other[0])
    with session_scope() as s:
        common = s.execute(select(Entity.common_reason).where(Entity.kind == "phone")).scalars().all()
        assert common == ["authors"]
    rebuild(config=cfg)  # a full rebuild agrees with the incremental result
    assert _network(ring[0]) == _network(ring[1]) != _network(other[0])


def test_risk_rises_with_confirmed_and_referred_members(db_url: str) -> None:
    assert risk_score(5, {}, 0) < risk_score(5, {"confirm": 1}, 0) < risk_score(5, {"confirm": 1, "refer": 1}, 0)
    assert risk_score(5, {"confirm": 1, "dismiss": 4}, 0) >= risk_score(1, {"confirm": 1}, 0) - 1e-9
    assert risk_score(3, {"dismiss": 3}, 3) < risk_score(3, {}, 3)
    cfg = LinkConfig(KEY)
    ids = _posts([("call 050 333 444", "x1"), ("call 050 333 444 again", "x2")])
    link_pending(config=cfg)
    net = _network(ids[0])
    assert net is not None
    with session_scope() as s:
        before = networks.get_network(s, net)
        assert before is not None
        low = before.risk
        s.add(
            QueueItem(
                post_id=ids[1],
                labels=["trafficking_ad"],
                max_probability=0.9,
                priority=0.9,
                model_version="m",
                status="decided",
            )
        )
        s.flush()
        item = s.scalar(select(QueueItem.id).where(QueueItem.post_id == ids[1]))
        assert item is not None
        s.add(
            Decision(
                queue_item_id=item,
                post_id=ids[1],
                action="confirm",
                labels=["trafficking_ad"],
                created_at=before.updated_at + timedelta(seconds=1),
            )
        )
    with session_scope() as s:
        assert refresh_stale(s) == 1
    with session_scope() as s:
        after = networks.get_network(s, net)
        assert after is not None and after.decisions == {"confirm": 1} and after.queued == 1 and after.risk > low
        assert networks.counts(s)["networks"] == 1


def test_shipped_allow_list_loads_and_the_cli_reports(sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from store.settings import get_settings

    listed = load_allow_list(get_settings().network_allow_list, KEY)
    assert ("domain", entity_hash("domain", "example.org", KEY)) in listed
    ids = _posts([("call 050 777 888", "y1"), ("call 050 777 888", "y2")])
    runner = CliRunner()
    linked = runner.invoke(app, ["networks", "link"])
    assert linked.exit_code == 0, linked.output
    stats = runner.invoke(app, ["networks", "stats"])
    assert stats.exit_code == 0 and "777" not in stats.output and str(ids[0]) in stats.output
    rebuilt = runner.invoke(app, ["networks", "rebuild", "--yes"])
    assert rebuilt.exit_code == 0, rebuilt.output
    with session_scope() as s:
        assert networks.risk_of_posts(s, ids)[ids[1]][0] == ids[0]


def test_a_masked_entity_is_revealed_from_the_post_text_only() -> None:
    from cases.reveal import reveal_entity

    h = entity_hash("phone", "+85550123999", KEY)
    texts = ["nothing here", "call ០៥០ ១២៣ ៩៩៩"]
    assert reveal_entity(texts, "phone", h, KEY) == "+85550123999"
    assert reveal_entity(texts, "phone", h, "another-key") is None
    assert reveal_entity(texts, "author", h, KEY) is None
