"""Reviewer safety held by the server: no post text before a recorded reveal, evidence downloads
count as exposure, reveals only of real items one may read, other reviewers' items for leads only
(audited), and invisible/bidirectional characters shown as markers while the stored text is exact."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from review.app import create_app
from store.db import session_scope
from store.schema import AuditLog, User
from tests.support.review import add_users, login, seed

SECRET_PHRASE = "I can send you"
HX = {"HX-Request": "true"}
SPOOF = "Invoice photo\u202egnp.exe and call 012\u200b345\u200b678"


def _actions(action: str) -> list[AuditLog]:
    with session_scope() as s:
        rows = list(s.execute(select(AuditLog).where(AuditLog.action == action)).scalars())
        for r in rows:
            s.expunge(r)
        return rows


def test_text_only_after_a_recorded_reveal(sqlite_url: str) -> None:
    ids = seed(2)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    page = client.get(f"/items/{ids[0]}")
    assert page.status_code == 200 and SECRET_PHRASE not in page.text and 'id="reveal-form"' in page.text
    shown = client.post(f"/items/{ids[0]}/reveal", data={"csrf": tok}, headers=HX)
    assert SECRET_PHRASE in shown.text and 'id="exposure-count">1<' in shown.text
    assert SECRET_PHRASE in client.get(f"/items/{ids[0]}").text  # a reload after the reveal shows it
    assert SECRET_PHRASE not in client.get(f"/items/{ids[1]}").text  # another item: hidden again
    assert client.post("/items/999999/reveal", data={"csrf": tok}, headers=HX).status_code == 404
    assert len(_actions("reveal")) == 1  # the reveal of a missing item counted nothing
    assert client.get(f"/items/{ids[1]}/evidence.json").status_code == 200
    page = client.get(f"/items/{ids[0]}")
    assert 'id="exposure-count">2<' in page.text  # the evidence download is exposure too


def test_other_reviewers_items_are_for_leads_only(sqlite_url: str) -> None:
    ids = seed(1)
    add_users(("m1", "moderator"), ("m2", "moderator"), ("lead", "lead"))
    c1 = TestClient(create_app(), follow_redirects=False)
    tok1 = login(c1, "m1")
    assert c1.post("/claim", data={"csrf": tok1}).headers["location"] == f"/items/{ids[0]}"
    c2 = TestClient(create_app(), follow_redirects=False)
    tok2 = login(c2, "m2")
    for r in (
        c2.get(f"/items/{ids[0]}"),
        c2.post(f"/items/{ids[0]}/reveal", data={"csrf": tok2}, headers=HX),
        c2.get(f"/items/{ids[0]}/evidence.json"),
    ):
        assert r.status_code == 403 and SECRET_PHRASE not in r.text
    assert len(_actions("read_refused")) == 3
    lead = TestClient(create_app(), follow_redirects=False)
    ltok = login(lead, "lead")
    assert lead.get(f"/items/{ids[0]}").status_code == 200
    assert SECRET_PHRASE in lead.post(f"/items/{ids[0]}/reveal", data={"csrf": ltok}, headers=HX).text
    assert [r.detail.get("others_item") for r in _actions("reveal")] == [True]


def test_hidden_characters_are_marked_but_stored_exactly(sqlite_url: str) -> None:
    ids = seed(1, texts=[SPOOF])
    add_users(("mod", "moderator"))
    with session_scope() as s:  # a name created before names were checked, or through the database
        s.add(User(username="eve\u202e)rotaredom(", password_hash="x", role="moderator", active=True))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    shown = client.post(f"/items/{ids[0]}/reveal", data={"csrf": tok}, headers=HX).text
    assert "photo⟨U+202E⟩gnp.exe" in shown and "012⟨U+200B⟩345⟨U+200B⟩678" in shown
    assert "\u202e" not in shown and "\u200b" not in shown
    ev = json.loads(client.get(f"/items/{ids[0]}/evidence.json").text)
    assert ev["post"]["text"] == SPOOF  # byte-exact
    admin = TestClient(create_app(), follow_redirects=False)
    add_users(("boss", "admin"))
    login(admin, "boss")
    users_page = admin.get("/admin/users").text
    assert "eve⟨U+202E⟩)rotaredom(" in users_page and "\u202e" not in users_page
