"""Evidence package (JSON + PDF with the Khmer font embedded) and the users/labels CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from flows.cli import app as cli
from review.app import create_app
from store.db import session_scope
from store.settings import get_settings
from store.users import get_by_name
from tests.support.review import add_users, login, seed

KHMER = "ការងាររោងចក្រនៅថៃ ប្រាក់ខែ ៥០០ ដុល្លារ យើងចេញថ្លៃលិខិតឆ្លងដែន ទាក់ទង 012 345 678"


def test_evidence_json_and_pdf(sqlite_url: str, tmp_path: Path) -> None:
    ids = seed(1, texts=[KHMER])
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    login(client, "mod")
    r = client.get(f"/items/{ids[0]}/evidence.json")
    assert r.status_code == 200
    ev = json.loads(r.text)
    assert ev["post"]["text"] == KHMER
    assert ev["post"]["sha256"] == hashlib.sha256(KHMER.encode()).hexdigest()
    assert ev["model_version"] == "test-v1" and len(ev["scores"]) == 2
    assert any(i["category"] == "phone" for i in ev["indicators"])
    pdf = client.get(f"/items/{ids[0]}/evidence.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdffonts"):
        out = tmp_path / "ev.pdf"
        out.write_bytes(pdf.content)
        fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
        assert "Noto-Sans-Khmer" in fonts
        line = next(x for x in fonts.splitlines() if "Khmer" in x)
        assert " yes " in line  # embedded


def test_users_cli_and_label_export(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("NEW_PW", "a long enough password")
    r = runner.invoke(cli, ["users", "create", "--username", "lead7", "--role", "lead", "--password-env", "NEW_PW"])
    assert r.exit_code == 0, r.output
    with session_scope() as s:
        user = get_by_name(s, "lead7")
        assert user is not None and user.role == "lead" and user.password_hash.startswith("$argon2id$")
    r = runner.invoke(cli, ["users", "create", "--username", "x", "--role", "king", "--password-env", "NEW_PW"])
    assert r.exit_code != 0
    r = runner.invoke(cli, ["users", "demo"])
    assert r.exit_code == 0 and "moderator1" in r.output
    r = runner.invoke(cli, ["review", "export-labels", "--out-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "review.jsonl").read_text() == ""


def test_exposure_counter_break_prompt_and_item_neighbours(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHHMAM_BREAK_AFTER", "2")
    get_settings.cache_clear()
    ids = seed(3)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    first = client.post("/claim", data={"csrf": tok}).headers["location"]
    assert first == f"/items/{ids[2]}"  # highest priority
    page = client.get(f"/items/{ids[1]}").text  # an open item: its neighbours in claim order are j/k
    assert f'href="/items/{ids[0]}" id="next-link"' in page
    hx = {"HX-Request": "true"}
    r1 = client.post(f"/items/{ids[2]}/reveal", data={"csrf": tok}, headers=hx)
    assert 'id="exposure-count">1<' in r1.text and "break-prompt" not in r1.text
    r2 = client.post(f"/items/{ids[2]}/reveal", headers={"X-CSRF-Token": tok, **hx})
    assert 'id="exposure-count">2<' in r2.text and "break-prompt" in r2.text
    assert client.post(f"/items/{ids[2]}/reveal").status_code == 403


def test_submit_and_next_offers_undo_of_the_previous_decision(sqlite_url: str) -> None:
    ids = seed(2)
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    assert client.post("/claim", data={"csrf": tok}).headers["location"] == f"/items/{ids[1]}"
    r = client.post(f"/items/{ids[1]}/decide", data={"csrf": tok, "action": "confirm", "next": "1"})
    assert r.headers["location"] == f"/items/{ids[0]}"
    page = client.get(f"/items/{ids[0]}").text
    assert f'action="/items/{ids[1]}/undo"' in page
    assert client.post(f"/items/{ids[1]}/undo", data={"csrf": tok}).status_code == 303
    with session_scope() as s:
        from store.schema import QueueItem

        assert s.get(QueueItem, ids[1]).status == "claimed"  # type: ignore[union-attr]
