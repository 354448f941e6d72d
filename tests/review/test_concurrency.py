"""20 moderators claiming at once over HTTP against a real uvicorn server: no item twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select, update

from store.db import session_scope
from store.schema import QueueItem, utcnow
from store.settings import get_settings
from tests.support.review import add_users, live_server, login, seed

MODERATORS = 20
ITEMS = 60


def _claim_all(base: str, name: str, got: list[int], errors: list[str], barrier: threading.Barrier) -> None:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        tok = login(client, name)
        barrier.wait()
        while True:
            r = client.post("/claim", data={"csrf": tok})
            if r.status_code != 303:
                errors.append(f"{name}: {r.status_code} {r.text[:200]}")
                return
            loc = r.headers["location"]
            if loc == "/":
                return
            got.append(int(loc.rsplit("/", 1)[1]))


def test_twenty_moderators_claim_at_once(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHHMAM_CLAIM_CAP", str(ITEMS))  # here one moderator takes back every expired item
    get_settings.cache_clear()
    ids = seed(ITEMS)
    names = [f"mod{i:02d}" for i in range(MODERATORS)]
    add_users(*((n, "moderator") for n in names))
    got: list[int] = []
    errors: list[str] = []
    barrier = threading.Barrier(MODERATORS)
    with live_server() as base:
        threads = [threading.Thread(target=_claim_all, args=(base, n, got, errors, barrier)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors[:3]
        dupes = [i for i, n in Counter(got).items() if n > 1]
        assert dupes == []  # 0 claimed twice
        assert sorted(got) == sorted(ids)  # 0 lost
        with session_scope() as s:
            assert s.scalar(select(func.count(QueueItem.id)).where(QueueItem.status == "claimed")) == ITEMS
            assert int(s.scalar(select(func.count(func.distinct(QueueItem.claimed_by)))) or 0) > 1
            # leases of a third of the items run out: those come back, and only those
            expired = ids[::3]
            s.execute(update(QueueItem).where(QueueItem.id.in_(expired)).values(lease_expires_at=utcnow()))
        back: list[int] = []
        with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
            tok = login(client, names[0])
            while (loc := client.post("/claim", data={"csrf": tok}).headers["location"]) != "/":
                back.append(int(loc.rsplit("/", 1)[1]))
        assert sorted(back) == sorted(expired)
