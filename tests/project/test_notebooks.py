"""Every notebook is committed without outputs and runs clean (nbclient) on small data.

A fresh CI machine may lack the ``python3`` kernelspec; the fixture installs it into the venv
(``python -m ipykernel install --sys-prefix``) so that nothing outside the repository is needed.
The kernel runs in ``notebooks/`` with this checkout first on ``PYTHONPATH`` (a relative
``PYTHONPATH=.`` would otherwise point into ``notebooks/`` and import whatever is installed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from sqlalchemy import select

from store.db import get_engine, session_scope
from store.schema import Decision, QueueItem, Score, User
from tests.support.paths import ROOT
from tests.support.reports_seed import SECRETS, seed_url

NOTEBOOKS = ROOT / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.fixture(scope="session")
def kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return "python3"


def strip(path: Path) -> bool:
    """Strip outputs, execution counts and transient metadata in place; True if the file changed.

    What ``nbstripout`` does, with nbformat only: run ``python -m tests.project.test_notebooks`` before committing.
    """
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    after = nbformat.writes(nb) + "\n"
    if json.loads(after) != json.loads(before):
        path.write_text(after, encoding="utf-8")
        return True
    return False


def test_there_are_three_notebooks() -> None:
    assert {p.name for p in ALL} == {"error_analysis.ipynb", "moderator_decisions.ipynb", "weekly_trends.ipynb"}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_outputs_are_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            hint = f"{path.name}: strip it with `python -m tests.project.test_notebooks`"
            assert cell.outputs == [] and cell.execution_count is None, hint
        assert "execution" not in cell.metadata


def _execute(path: Path, kernel: str, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=kernel, timeout=240, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: {out}"
    return nb


def test_error_analysis_runs(kernel: str, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test_split = ROOT / "data" / "generated" / "test.jsonl"
    if not test_split.exists():
        pytest.fail("no test split: run `make model` first")
    monkeypatch.setenv("CHHMAM_NB_TEST", str(test_split))
    monkeypatch.setenv("CHHMAM_NB_MODEL", str(model_dir))
    monkeypatch.setenv("CHHMAM_NB_LIMIT", "250")
    nb = _execute(NOTEBOOKS / "error_analysis.ipynb", kernel, monkeypatch)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    # a PR figure per label (two labels) and the calibration plot
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3, "PR curves or calibration plot missing"
    text = json.dumps(outputs)
    assert "250 test rows" in text and "false_flags" in text
    for model in ("baseline", "transformer", "cascade"):  # side by side
        assert model in text
    assert "recall_at_p90" in text and "flag_rate" in text and "missed" in text and "not_routed" in text


def test_weekly_trends_runs_on_a_seeded_database(kernel: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_url(sqlite_url)
    monkeypatch.setenv("CHHMAM_NB_WEEK", "2026-W47")
    nb = _execute(NOTEBOOKS / "weekly_trends.ipynb", kernel, monkeypatch)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "trend chart missing"
    text = json.dumps(outputs)
    assert "2026-W47" in text and "Phnom Penh" in text and "secret post" not in text


def seed_second_reviews(url: str) -> None:
    """Give the seeded decisions two moderators, let a third review eight items again, spread the scores.

    ``mod_c`` agrees with the first verdict on some items and not on others, so that the agreement
    tables have something in them; flagged scores spread over 0.45-0.9 so that the score
    distributions and the live threshold sweep do too.
    """
    with session_scope(get_engine(url)) as session:
        for score in session.execute(select(Score).where(Score.flagged.is_(True)).order_by(Score.id)).scalars():
            score.probability = 0.45 + 0.05 * (score.id % 10)
        users = [User(username=f"mod_{c}", password_hash="-", role="moderator") for c in "abc"]
        session.add_all(users)
        session.flush()
        for i, d in enumerate(session.execute(select(Decision).order_by(Decision.id)).scalars()):
            d.user_id = users[i % 2].id
        for i, item in enumerate(session.execute(select(QueueItem).order_by(QueueItem.id).limit(8)).scalars()):
            session.add(
                Decision(
                    queue_item_id=item.id,
                    post_id=item.post_id,
                    user_id=users[2].id,
                    action="dismiss" if i % 3 == 0 else "confirm",
                    labels=list(item.labels),
                    created_at=item.enqueued_at + timedelta(days=1),
                )
            )


def test_moderator_decisions_runs_on_a_seeded_database(
    kernel: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_url(sqlite_url)
    seed_second_reviews(sqlite_url)
    nb = _execute(NOTEBOOKS / "moderator_decisions.ipynb", kernel, monkeypatch)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "score distribution missing"
    text = json.dumps(outputs)
    assert "live_precision" in text and "2026-W47" in text and "baseline-test" in text
    assert "second reviews: 8 pairs on 8 posts" in text and "kappa" in text and "mod_a / mod_c" in text
    assert not any(secret in text for secret in SECRETS), "post text or identifiers in the outputs"


def test_moderator_decisions_runs_on_an_empty_database(
    kernel: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = _execute(NOTEBOOKS / "moderator_decisions.ipynb", kernel, monkeypatch)  # a new deployment: no decisions
    text = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
    assert "0 flagged posts with a standing verdict" in text and "no second reviews to compare" in text


if __name__ == "__main__":
    for nb_path in ALL:
        print(f"{nb_path.name}: {'stripped' if strip(nb_path) else 'clean'}")
