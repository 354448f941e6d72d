"""Queue semantics on SQLite and PostgreSQL: claim order, leases, decisions, clusters, undo, referral, export."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from review import service
from review.labels import export_labels
from store import queue
from store.db import session_scope
from store.schema import AuditLog, Decision, QueueItem, User, utcnow
from tests.support.review import add_users, seed


def _user(name: str) -> User:
    with session_scope() as s:
        u = s.execute(select(User).where(User.username == name)).scalar_one()
        s.expunge(u)
        return u


def test_claim_order_lease_and_expiry(db_url: str) -> None:
    ids = seed(5)
    old = seed(1, age_hours=100)[0]  # low priority (0.5) but waited 100 h: +1.0 → first
    add_users(("m1", "moderator"), ("m2", "moderator"))
    m1, m2 = _user("m1"), _user("m2")
    with session_scope() as s:
        first = service.claim_next(s, m1)
        second = service.claim_next(s, m2)
    assert first == old
    assert second == ids[4]  # highest priority among the fresh ones (0.54)
    with session_scope() as s:  # lease runs out: the item returns to the queue for the next claimer
        now = utcnow() + service.LEASE + timedelta(seconds=1)
        assert queue.claim_next(s, m2.id, service.LEASE, now=now) == old
    with session_scope() as s:
        with pytest.raises(service.ReviewError):
            service.decide(s, m1, old, "confirm")  # m1 lost the lease
        assert service.decide(s, m2, old, "confirm") == [old]
        assert s.get(QueueItem, old).status == "decided"  # type: ignore[union-attr]


def test_cluster_decision_undo_and_export(db_url: str, tmp_path: Path) -> None:
    ids = seed(4, cluster_of={0: 1, 1: 1, 2: 1})
    add_users(("m1", "moderator"))
    m1 = _user("m1")
    with session_scope() as s:
        assert queue.claim_item(s, ids[0], m1.id, service.LEASE, ["open"])
        done = service.decide(s, m1, ids[0], "dismiss", note="news story")
    assert sorted(done) == sorted(ids[:3])
    with session_scope() as s:
        assert {s.get(QueueItem, i).status for i in ids[:3]} == {"decided"}  # type: ignore[union-attr]
        assert s.get(QueueItem, ids[3]).status == "open"  # type: ignore[union-attr]
        done = export_labels(s, tmp_path, heldout_percent=0)
    path, n = done.path, done.rows
    assert n == 3
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert {tuple(x["labels"]) for x in lines} == {()} and {x["decision"] for x in lines} == {"dismiss"}
    assert set(lines[0]) == {"text", "labels", "lang", "decision", "decision_id", "moderator"}
    assert lines[0]["moderator"] != str(m1.id) and len(lines[0]["moderator"]) == 16  # hashed
    with session_scope() as s:
        service.undo(s, m1, ids[0])
    with session_scope() as s:
        assert s.get(QueueItem, ids[0]).status == "claimed"  # type: ignore[union-attr]
        assert {s.get(QueueItem, i).status for i in ids[1:3]} == {"open"}  # type: ignore[union-attr]
        assert export_labels(s, tmp_path, heldout_percent=0).rows == 0
        service.decide(s, m1, ids[0], "confirm", ["trafficking_ad"])
    with session_scope() as s:
        assert export_labels(s, tmp_path, heldout_percent=0).rows == 3
        d = s.execute(
            select(Decision).where(Decision.queue_item_id == ids[0], Decision.undone_at.is_(None))
        ).scalar_one()
        assert d.labels == ["trafficking_ad"]
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "undo")) == 3


def test_undo_window_escalation_and_referral_needs_second_reviewer(db_url: str) -> None:
    seed(3)
    add_users(("m1", "moderator"), ("m2", "moderator"), ("lead", "lead"))
    m1, m2, lead = _user("m1"), _user("m2"), _user("lead")
    with session_scope() as s:
        a = service.claim_next(s, m1)
        assert a is not None
        service.decide(s, m1, a, "escalate", note="unsure")
        assert service.claim_next(s, lead) == a  # the lead gets escalated items first
        service.decide(s, lead, a, "refer", ["grooming"], note="phone number and school")
        with pytest.raises(service.ReviewError, match="second reviewer"):
            service.approve_referral(s, lead, a)
        assert s.get(QueueItem, a).status == "referral_pending"  # type: ignore[union-attr]
        service.approve_referral(s, m2, a)
        assert s.get(QueueItem, a).status == "referred"  # type: ignore[union-attr]
        ev = s.execute(select(AuditLog.detail).where(AuditLog.action == "decide_refer_request")).scalar_one()
    evidence = ev["evidence"]
    assert len(evidence["post"]["sha256"]) == 64 and evidence["model_version"] == "test-v1"
    assert evidence["post"]["url"].startswith("https://") and evidence["scores"]
    assert "phone number and school" in evidence["notes"]
    with session_scope() as s:
        b = service.claim_next(s, m1)
        assert b is not None
        service.decide(s, m1, b, "confirm")
        last = s.execute(select(Decision).where(Decision.queue_item_id == b)).scalar_one()
        last.created_at = utcnow() - service.UNDO_WINDOW - timedelta(seconds=5)
    with session_scope() as s, pytest.raises(service.ReviewError, match="window"):
        service.undo(s, m1, b)


def test_filters_are_parameters(db_url: str) -> None:
    seed(3)
    with session_scope() as s:
        before = s.scalar(select(func.count(QueueItem.id)))
        for evil in ("' OR 1=1 --", "en'; DROP TABLE queue_items; --", "%", "_"):
            assert queue.list_items(s, filters={"lang": evil, "source": evil, "label": evil}) == []
        assert len(queue.list_items(s, filters={"label": "grooming", "lang": "en"})) == 3
    with session_scope() as s:
        assert s.scalar(select(func.count(QueueItem.id))) == before


def test_audit_log_is_append_only(db_url: str) -> None:
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    from store import audit

    with session_scope() as s:
        audit.record(s, None, "view", "queue_item", "1", {})
    with pytest.raises(DBAPIError, match="append-only"), session_scope() as s:
        s.execute(update(AuditLog).values(action="nothing"))
    with pytest.raises(DBAPIError, match="append-only"), session_scope() as s:
        s.execute(delete(AuditLog))
    with session_scope() as s:
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "view")) == 1
