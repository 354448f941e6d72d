"""Edits of a post (a partner re-sent its id with different text) reach reviewers under the reveal rule.

The item page says how many later versions there are and when each arrived; their text is in no
page until a reveal is recorded, and then shows with hidden characters marked. The evidence
package (JSON and PDF) carries every version with its own SHA-256. The edit is written by the store
function the ingest flow calls, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient

from review.app import create_app
from review.i18n import translator
from store.posts import QuarantineItem, store_batch_isolated
from store.schema import utcnow
from tests.support.review import add_users, login, seed

EN, KM = translator("en"), translator("km")

HX = {"HX-Request": "true"}
ORIGINAL = "Are you in grade 8? I can send you phone credit"
SECRET_PHRASE = "I can send you"  # the original text outside any indicator mark
EDIT_PHRASE = "message the recruiter on Telegram"
EDITED = f"Sorry, wrong group. {EDIT_PHRASE} invoice\u202egnp.exe 012\u200b345"


def _resend(external_id: str, text: str) -> int:
    """Re-send ``external_id`` of the test source with ``text`` through the ingest's store call; new edits."""
    row = {
        "source": "test",
        "external_id": external_id,
        "text": text,
        "lang": "en",
        "platform": "web",
        "url": f"https://example.org/p/{external_id}",
        "ingested_at": utcnow(),
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    counts = store_batch_isolated("test", "jsonl", [row], lambda _i: QuarantineItem(text, "unused"), [], None)
    assert counts.new == 0 and counts.refused == 0
    return counts.edited


def test_edit_hidden_before_reveal_shown_after_and_in_the_evidence(db_url: str, tmp_path: Path) -> None:
    ids = seed(2, texts=[ORIGINAL, ORIGINAL + " again"])
    assert _resend("p0", EDITED) == 1
    assert _resend("p0", EDITED) == 0  # the same later text is kept once
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")

    page = client.get(f"/items/{ids[0]}").text
    assert 'id="edits"' in page and f"{EN['edits']} (1)" in page and 'id="edit-2"' in page
    assert EDIT_PHRASE not in page and SECRET_PHRASE not in page  # neither version before a reveal
    assert 'id="edits"' not in client.get(f"/items/{ids[1]}").text  # a post never edited says nothing

    shown = client.post(f"/items/{ids[0]}/reveal", data={"csrf": tok}, headers=HX).text
    assert SECRET_PHRASE in shown and EDIT_PHRASE in shown
    assert "invoice⟨U+202E⟩gnp.exe 012⟨U+200B⟩345" in shown and "\u202e" not in shown
    edit_sha = hashlib.sha256(EDITED.encode("utf-8")).hexdigest()
    assert edit_sha in shown
    assert EDIT_PHRASE in client.get(f"/items/{ids[0]}").text  # a reload after the reveal shows it too

    ev = json.loads(client.get(f"/items/{ids[0]}/evidence.json").text)
    assert ev["post"]["text"] == ORIGINAL  # the reviewed text stays the post's
    assert [(e["version"], e["text"], e["sha256"]) for e in ev["edits"]] == [(2, EDITED, edit_sha)]
    assert ev["edits"][0]["received_at"]

    pdf = client.get(f"/items/{ids[0]}/evidence.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        out = tmp_path / "ev.pdf"
        out.write_bytes(pdf.content)
        got = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = " ".join(got.split())
        assert "Later versions (edits)" in flat and "Version 2" in flat and edit_sha in flat
        assert EDIT_PHRASE in flat and "invoice⟨U+202E⟩gnp.exe" in flat


def test_edits_section_in_khmer(sqlite_url: str) -> None:
    ids = seed(1)
    assert _resend("p0", EDITED) == 1
    add_users(("mod", "moderator"))
    client = TestClient(create_app(), follow_redirects=False)
    tok = login(client, "mod")
    client.post("/lang", data={"csrf": tok, "lang": "km"})
    page = client.get(f"/items/{ids[0]}").text
    assert f"{KM['edits']} (1)" in page and KM["version"] in page and EDIT_PHRASE not in page
