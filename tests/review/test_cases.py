"""Case pages and item page panels on SQLite and PostgreSQL: roles, blur/reveal, audit, decision, evidence."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from review import cases, routing, service
from review.app import create_app
from store import networks, queue
from store.db import session_scope
from store.schema import AuditLog, Decision, QueueItem, User
from tests.support.cases import VALUES, case_text, seed_case
from tests.support.review import add_users, login


def _user(name: str) -> User:
    with session_scope() as s:
        u = s.execute(select(User).where(User.username == name)).scalar_one()
        s.expunge(u)
        return u


def _audit(action: str) -> list[AuditLog]:
    with session_scope() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))
        s.expunge_all()
        return rows


def _no_values(body: str) -> None:
    for v in VALUES:
        assert v not in body, v


def test_case_page_is_for_leads_and_hides_text_and_values(db_url: str) -> None:
    case = seed_case(6)
    add_users(("lead1", "lead"), ("mod1", "moderator"), ("ana1", "analyst"))
    client = TestClient(create_app(), follow_redirects=False)
    for name, status in (("mod1", 403), ("ana1", 403)):
        login(client, name)
        assert client.get(f"/cases/{case.network_id}").status_code == status
        assert client.get("/cases").status_code == status
        assert client.get(f"/cases/{case.network_id}/evidence.json").status_code == status
        client.cookies.clear()
    login(client, "lead1")
    r = client.get("/cases")
    assert r.status_code == 200 and f'href="/cases/{case.network_id}"' in r.text
    r = client.get(f"/cases/{case.network_id}")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    _no_values(r.text)
    assert "Factory work" not in r.text and "restaurant job" not in r.text
    assert r.text.count('class="reveal-member"') == 6
    assert "<svg" in r.text and r.text.count('class="node node-post"') == 6
    assert 'id="shared-entities"' in r.text and "<td>Phone</td>" in r.text and 'class="masked"' in r.text
    assert client.get(f"/cases/{case.loner_item + 10_000}").status_code == 404
    assert [a.object_id for a in _audit("case_view")] == [str(case.network_id)]


def test_reveal_one_member_is_audited_and_counts_as_exposure(db_url: str) -> None:
    case = seed_case(5)
    add_users(("lead1", "lead"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "lead1")
    member = case.post_ids[1]
    url = f"/cases/{case.network_id}/members/{member}/reveal"
    assert client.post(url, data={"page": "1"}).status_code == 403  # no CSRF token
    r = client.post(url, data={"csrf": tok, "page": "1"})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#m-{member}")
    page = client.get(f"/cases/{case.network_id}").text
    assert case_text(1).split(" #")[0][:30] in page  # that member's text, with its contacts highlighted
    assert case_text(0).split(" #")[0][:30] not in page  # not the others'
    assert page.count('class="reveal-member"') == 4
    assert '<span id="exposure-count">1</span>' in page
    # a post outside the case cannot be revealed through it
    outsider = client.post(f"/cases/{case.network_id}/members/{case.post_ids[0] + 100}/reveal", data={"csrf": tok})
    assert outsider.status_code == 404
    reveals = _audit("reveal")
    assert [(a.object_type, a.object_id, a.detail) for a in reveals] == [
        ("post", str(member), {"case": case.network_id})
    ]
    # a revealed post id must not read as a revealed queue item of the same number
    with session_scope() as s:
        from review import access

        lead = s.execute(select(User).where(User.username == "lead1")).scalar_one()
        assert not access.revealed(s, lead, member)


def test_case_decision_per_waiting_member_with_audit_and_refresh(db_url: str) -> None:
    case = seed_case(6)
    add_users(("lead1", "lead"), ("mod1", "moderator"))
    mod = _user("mod1")
    with session_scope() as s:  # a moderator already dismissed one member: the case decision keeps it
        assert queue.claim_item(s, case.item_ids[0], mod.id, service.LEASE, ["open"])
        service.decide(s, mod, case.item_ids[0], "dismiss")
    with session_scope() as s:
        before = networks.get_network(s, case.network_id)
        assert before is not None
        risk_before = before.risk
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "lead1")
    assert client.post(f"/cases/{case.network_id}/decide", data={"action": "confirm"}).status_code == 403  # no CSRF
    assert client.post(f"/cases/{case.network_id}/decide", data={"csrf": tok, "action": "delete"}).status_code == 409
    r = client.post(
        f"/cases/{case.network_id}/decide",
        data={"csrf": tok, "action": "confirm", "labels": "trafficking_ad", "note": "same ring"},
    )
    assert r.status_code == 303
    with session_scope() as s:
        statuses = [s.get(QueueItem, i).status for i in case.item_ids]  # type: ignore[union-attr]
        assert statuses == ["decided"] * 6
        rows = list(s.scalars(select(Decision).order_by(Decision.id)))
        assert [d.action for d in rows] == ["dismiss"] + ["confirm"] * 5
        assert all(d.labels == ["trafficking_ad"] and d.note == "same ring" for d in rows[1:])
        net = networks.get_network(s, case.network_id)
        assert net is not None and net.decisions == {"dismiss": 1, "confirm": 5} and net.risk > risk_before
        assert s.get(QueueItem, case.loner_item).status == "open"  # type: ignore[union-attr]
    (row,) = _audit("case_decide")
    assert row.object_id == str(case.network_id)
    assert row.detail["items"] == case.item_ids[1:] and row.detail["kept"] == 1
    assert sorted(int(a.object_id or 0) for a in _audit("decide_confirm")) == case.item_ids[1:]
    with session_scope() as s:
        lead = s.execute(select(User).where(User.username == "lead1")).scalar_one()
        with pytest.raises(service.ReviewError):
            cases.decide_case(s, mod, case.network_id, "confirm")  # moderators do not decide cases
        assert cases.decide_case(s, lead, case.network_id, "dismiss") == []  # nothing left waiting


def test_case_evidence_has_hashes_and_links_but_no_values(db_url: str) -> None:
    case = seed_case(5)
    add_users(("lead1", "lead"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "lead1")
    r = client.get(f"/cases/{case.network_id}/evidence.json")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    _no_values(r.text)
    ev = json.loads(r.text)
    assert [m["post_id"] for m in ev["members"]] == case.post_ids
    assert all(len(m["sha256"]) == 64 and "text" not in m for m in ev["members"])
    from review.evidence import sha256_text

    assert ev["members"][2]["sha256"] == sha256_text(case_text(2))
    assert {link["post_id"] for link in ev["links"]} == set(case.post_ids)
    assert {"phone", "handle"} <= {e["kind"] for e in ev["entities"]}
    assert [a.object_id for a in _audit("case_evidence")] == [str(case.network_id)]


def test_item_page_shows_author_history_and_network_without_text(db_url: str) -> None:
    case = seed_case(6, authors=2)
    add_users(("lead1", "lead"), ("mod1", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "mod1")
    page = client.get(f"/items/{case.item_ids[0]}").text
    assert 'id="author-panel"' in page and 'id="network-panel"' in page
    author = page.split('id="author-panel"')[1].split('id="network-panel"')[0]
    assert author.count("<tr>") == 2  # acct0 wrote members 0, 2, 4: two other posts listed
    assert f'href="/items/{case.item_ids[2]}"' in author and f'href="/items/{case.item_ids[4]}"' in author
    assert 'class="case-size">6 (2' in page
    assert 'id="case-link"' not in page  # the case page is the leads'
    assert 'class="network-members"' in page and page.count('class="this-post"') == 1
    for other in case.item_ids[1:]:
        assert f'href="/items/{other}"' in page  # every other member's item, no text
    _no_values(page)
    for i in range(1, 6):
        assert case_text(i).split(" #")[0] not in page
    client.cookies.clear()
    login(client, "lead1")
    page = client.get(f"/items/{case.loner_item}").text
    assert 'id="case-link"' not in page and "not linked" in page
    page = client.get(f"/items/{case.item_ids[1]}").text
    assert f'href="/cases/{case.network_id}"' in page


def test_graph_is_capped_for_big_cases(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = seed_case(7)
    monkeypatch.setattr(cases, "GRAPH_POSTS", 3)
    with session_scope() as s:
        g = cases.case_graph(s, case.network_id)
    assert g["capped"] and g["posts_drawn"] == 3 and g["posts"] == 7
    assert sum(1 for n in g["nodes"] if n["kind"] == "post") == 3
    assert all("050" not in n["title"] and "fake_" not in n["title"] for n in g["nodes"])


def test_a_waiting_post_linked_to_a_confirmed_case_goes_up(db_url: str) -> None:
    assert routing.network_priority(0.5, 0.4) == 0.7
    assert routing.network_priority(0.5, 0.0) == 0.5
    case = seed_case(4)
    add_users(("mod1", "moderator"))
    mod = _user("mod1")
    with session_scope() as s:
        before = {i: s.get(QueueItem, i).priority for i in case.item_ids}  # type: ignore[union-attr]
        assert routing.boost_networks(s, [case.network_id]) == []  # nothing confirmed yet: no change
        assert queue.claim_item(s, case.item_ids[0], mod.id, service.LEASE, ["open"])
        service.decide(s, mod, case.item_ids[0], "confirm")
    with session_scope() as s:
        from cases.linking import refresh

        refresh(s, [case.network_id])
        raised = routing.boost_networks(s, [case.network_id])
        assert sorted(raised) == case.item_ids[1:]
        after = {i: s.get(QueueItem, i).priority for i in case.item_ids}  # type: ignore[union-attr]
        assert all(after[i] > before[i] for i in case.item_ids[1:])
        assert routing.boost_networks(s, [case.network_id]) == []  # deterministic: a second run changes nothing
        top = queue.list_items(s, limit=1)[0][0]
        assert top.id in case.item_ids[1:]
        assert s.get(QueueItem, case.loner_item).priority < min(after[i] for i in case.item_ids[1:])  # type: ignore[union-attr]


def test_case_referral_needs_a_second_reviewer_and_undo_reverts_the_whole_case(db_url: str) -> None:
    case = seed_case(4)
    add_users(("lead1", "lead"), ("lead2", "lead"))
    lead1, lead2 = _user("lead1"), _user("lead2")
    with session_scope() as s:
        done = cases.decide_case(s, lead1, case.network_id, "refer", ["trafficking_ad"], "one ring")
        assert done == case.item_ids
        assert {s.get(QueueItem, i).status for i in done} == {"referral_pending"}  # type: ignore[union-attr]
    (row,) = _audit("case_decide")
    assert [m["post_id"] for m in row.detail["evidence"]["members"]] == case.post_ids
    _no_values(json.dumps(row.detail, ensure_ascii=False))
    with session_scope() as s:
        with pytest.raises(service.ReviewError):
            service.approve_referral(s, lead1, case.item_ids[0])  # not by the lead who proposed it
        service.approve_referral(s, lead2, case.item_ids[0])
        assert s.get(QueueItem, case.item_ids[0]).status == "referred"  # type: ignore[union-attr]
    with session_scope() as s:  # lead1 takes the case referral back from another member's item page
        undone = service.undo(s, lead1, case.item_ids[1])
        assert sorted(undone) == case.item_ids  # the whole case decision, as one group
    with session_scope() as s:
        st = {i: s.get(QueueItem, i).status for i in case.item_ids}  # type: ignore[union-attr]
        assert st[case.item_ids[1]] == "claimed" and st[case.item_ids[2]] == st[case.item_ids[3]] == "open"
        assert st[case.item_ids[0]] == "referred"  # the approved referral is another decision: it stands


def test_undoing_a_case_decision_returns_an_escalated_member_to_the_leads(db_url: str) -> None:
    case = seed_case(3)
    add_users(("mod", "moderator"), ("lead1", "lead"))
    with session_scope() as s:
        service.claim_item(s, _user("mod"), case.item_ids[0])
        service.decide(s, _user("mod"), case.item_ids[0], "escalate", [], "not sure")
    with session_scope() as s:
        done = cases.decide_case(s, _user("lead1"), case.network_id, "confirm", ["trafficking_ad"], "")
        assert case.item_ids[0] in done
    with session_scope() as s:
        service.undo(s, _user("lead1"), case.item_ids[1])
    with session_scope() as s:
        st = {i: s.get(QueueItem, i).status for i in case.item_ids}  # type: ignore[union-attr]
        assert st[case.item_ids[0]] == "escalated" and st[case.item_ids[2]] == "open"


def test_members_over_time(db_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from store.schema import Post

    case = seed_case(6)
    t0 = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)  # a Wednesday
    with session_scope() as s:
        for k, pid in enumerate(case.post_ids):
            s.get(Post, pid).created_at = t0 + timedelta(weeks=[0, 0, 1, 3, 3, 3][k])  # type: ignore[union-attr]
    with session_scope() as s:
        tl = cases.timeline(s, case.network_id)
    assert [b["n"] for b in tl["bars"]] == [2, 1, 0, 3] and tl["weeks"] == 1 and tl["start"] == "2026-06-01"
    with session_scope() as s:  # a case spanning a year is drawn in bins of several weeks
        s.get(Post, case.post_ids[-1]).created_at = t0 + timedelta(weeks=60)  # type: ignore[union-attr]
    with session_scope() as s:
        tl = cases.timeline(s, case.network_id)
    assert tl["weeks"] == 3 and len(tl["bars"]) <= cases.TIMELINE_BARS and sum(b["n"] for b in tl["bars"]) == 6
    add_users(("lead1", "lead"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "lead1")
    page = client.get(f"/cases/{case.network_id}").text
    assert page.count('class="bar"') == len(tl["bars"])


def test_stats_show_case_counts_to_analysts(db_url: str) -> None:
    seed_case(5)
    add_users(("ana1", "analyst"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "ana1")
    page = client.get("/stats").text
    assert 'id="case-stats"' in page and '<td class="n">5</td>' in page
    _no_values(page)
