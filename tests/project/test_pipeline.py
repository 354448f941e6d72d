"""The first end-to-end slice: sample feeds → Prefect pipeline → scores → review queue → web page."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from flows.pipeline import pipeline_flow
from review.app import create_app
from store.db import session_scope
from store.schema import Post, Quarantine, QueueItem, Score
from tests.support.paths import ROOT
from tests.support.review import add_users, login

PARTNERS = ROOT / "data" / "sample" / "partners.yaml"


def test_pipeline_end_to_end(sqlite_url: str, model_dir: Path) -> None:
    first = pipeline_flow(str(PARTNERS), str(model_dir))
    assert first["ingested"] == 300 and first["duplicates"] == 3 and first["quarantined"] == 4
    assert first["scored"] == 300
    assert first["queued"] > 0
    assert first["linked"] == 300  # every stored post goes through network linking
    second = pipeline_flow(str(PARTNERS), str(model_dir))
    assert second["ingested"] == 0 and second["scored"] == 0 and second["queued"] == 0 and second["linked"] == 0
    with session_scope() as s:
        assert s.scalar(select(func.count(Post.id))) == 300
        assert s.scalar(select(func.count(Quarantine.id))) == 4
        assert s.scalar(select(func.count(Score.id))) == 600
        queued = s.scalar(select(func.count(QueueItem.id)))
        assert queued == first["queued"]
        assert s.scalar(select(func.count(Post.id)).where(Post.author_hash.like("%acct%"))) == 0

    client = TestClient(create_app())
    add_users(("mod", "moderator"))  # the queue needs a logged-in reviewer
    login(client, "mod")
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.count('class="queue-row"') == min(int(queued or 0), 100)
