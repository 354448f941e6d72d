"""The retraining loop's labels: one exporter, hashed moderators, outliers, the cursor, git-ignored files.

These run ``retrain_flow`` on a small project folder without a trained model: ``params.yaml``, a
served bundle's manifest and its metrics. ``dvc repro`` there fails for real (it is no DVC project);
where a run must succeed, ``flows.retrain.dvc`` is replaced by a stand-in that "trains" a new version
by writing its manifest and metrics, so the gate, the registry and the cursor run as in production.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from store.db import get_engine, session_scope
from store.schema import AuditLog, Decision, User
from tests.support.paths import ROOT
from tests.support.rows import add_decided_post

LABELS = ["grooming", "trafficking_ad"]


def _metrics(version: str, pr: float) -> dict[str, Any]:
    return {
        "model": "baseline",
        "model_version": version,
        **{lb: {"overall": {"pr_auc": pr}, "km": {"pr_auc": pr}} for lb in LABELS},
    }


def make_project(root: Path) -> Path:
    """A served model ``v1`` (manifest + metrics) and the parameters the flow reads."""
    (root / "artifacts" / "model").mkdir(parents=True)
    (root / "artifacts" / "model" / "manifest.json").write_text(json.dumps({"version": "v1"}), encoding="utf-8")
    (root / "metrics").mkdir()
    (root / "metrics" / "baseline.json").write_text(json.dumps(_metrics("v1", 0.90)), encoding="utf-8")
    (root / "params.yaml").write_text(
        yaml.safe_dump({"labels": LABELS, "serve": {"model": "baseline"}}), encoding="utf-8"
    )
    (root / "data" / "labels").mkdir(parents=True)
    return root


def fake_repro(monkeypatch: pytest.MonkeyPatch, version: str, pr: float) -> list[Path]:
    """``dvc repro`` that publishes ``version`` with PR-AUC ``pr``; records the label rows it saw."""
    import flows.retrain as retrain

    seen: list[Path] = []

    def dvc(project: Path, *args: str, timeout: float = 0) -> subprocess.CompletedProcess[str]:
        if args[0] == "repro":
            seen.append(project / "data" / "labels" / "review.jsonl")
            (project / "artifacts" / "model" / "manifest.json").write_text(json.dumps({"version": version}))
            (project / "metrics" / "baseline.json").write_text(json.dumps(_metrics(version, pr)))
        return subprocess.CompletedProcess(list(args), 0, "", "")

    monkeypatch.setattr(retrain, "dvc", dvc)
    return seen


def seed_moderators(url: str, dismiss_share: dict[str, float], per_moderator: int = 22, shared: int = 6) -> None:
    """Each moderator decides ``per_moderator`` posts; the first ``shared`` posts' clusters are also
    decided by every other moderator (near-duplicates), which is what agreement is measured on."""
    from store.schema import Cluster

    now = datetime.now(UTC) - timedelta(days=1)
    with session_scope(get_engine(url)) as session:
        users = {}
        for name in dismiss_share:
            u = User(username=name, password_hash="x", role="moderator")
            session.add(u)
            session.flush()
            users[name] = u.id
        clusters = []
        for _ in range(shared):
            c = Cluster(size=len(dismiss_share))
            session.add(c)
            session.flush()
            clusters.append(c.id)
        n = 0
        for name, share in dismiss_share.items():
            for i in range(per_moderator):
                n += 1
                cluster = clusters[i] if i < shared else None
                # shared clusters: everyone but an outlier confirms the first half and dismisses the rest
                dismiss = (
                    (i >= shared / 2 if share < 0.9 else True)
                    if i < shared
                    else ((i - shared) < share * (per_moderator - shared))
                )
                add_decided_post(
                    session,
                    external_id=f"{name}-{i}",
                    content_hash=f"{n:064x}",
                    text=f"seeded text {n} (non-explicit)",
                    at=now,
                    lang="km" if i % 2 else "en",
                    confirm=not dismiss,
                    decided_at=now + timedelta(minutes=n),
                    model_version="v1",
                    user_id=users[name],
                    cluster_id=cluster,
                )


NORMAL = {"mod_a": 0.35, "mod_b": 0.4, "mod_c": 0.45, "mod_d": 0.4}


def _audit(url: str) -> list[tuple[str, dict[str, Any]]]:
    with session_scope(get_engine(url)) as session:
        return [(a.action, a.detail) for a in session.execute(select(AuditLog).order_by(AuditLog.id)).scalars()]


def test_one_moderator_dismissing_everything_is_refused_and_named(tmp_path: Path, sqlite_url: str) -> None:
    from flows.retrain import retrain_flow
    from models.registry import load_registry

    project = make_project(tmp_path / "p")
    seed_moderators(sqlite_url, {**NORMAL, "mod_e": 1.0})
    result = retrain_flow(str(project), sqlite_url)
    assert result["outcome"] == "refused", result["reason"]
    assert "mod_e" in result["reason"] and "dismisses 100%" in result["reason"]
    assert not any(m in result["reason"] for m in NORMAL)
    stats = {m["name"]: m for m in result["moderators"]}
    assert stats["mod_e"]["outlier"] and stats["mod_e"]["agreement"] < 0.6
    assert all(not stats[m]["outlier"] for m in NORMAL)
    assert result["agreement"]["mod_a / mod_e"]["agreement"] == 0.5
    reg = load_registry(project)
    assert reg["labels_cursor"] == 0 and reg["events"][-1]["action"] == "refused"
    assert reg["events"][-1]["flagged_moderators"][0].startswith("mod_e")
    actions = _audit(sqlite_url)
    assert actions[-1][0] == "model_refused" and "mod_e" in actions[-1][1]["reason"]
    # nothing of the batch was left for a plain `dvc repro`: data/labels is the served model's (none)
    assert (project / "data" / "labels" / "review.jsonl").read_text(encoding="utf-8") == ""


def test_quarantine_trains_without_the_outlier(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.retrain import retrain_flow
    from review.labels import moderator_hash

    project = make_project(tmp_path / "p")
    seed_moderators(sqlite_url, {**NORMAL, "mod_e": 1.0})
    seen = fake_repro(monkeypatch, "v2", 0.91)
    with session_scope(get_engine(sqlite_url)) as session:
        bad = moderator_hash(session.execute(select(User.id).where(User.username == "mod_e")).scalar_one())
    result = retrain_flow(str(project), sqlite_url, moderator_action="quarantine")
    assert result["outcome"] == "promoted", result["reason"]
    assert "mod_e" in result["reason"]
    trained = [json.loads(x) for x in seen[0].read_text(encoding="utf-8").splitlines()]
    assert trained and bad not in {r["moderator"] for r in trained}
    quarantined = project / "data" / "labels-quarantine" / "quarantined.jsonl"
    assert {json.loads(x)["moderator"] for x in quarantined.read_text(encoding="utf-8").splitlines()} == {bad}


def test_failed_repro_leaves_the_labels_for_next_time(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.retrain import retrain_flow
    from models.registry import load_registry, served_version

    project = make_project(tmp_path / "p")
    seed_moderators(sqlite_url, NORMAL)
    failed = retrain_flow(str(project), sqlite_url)  # a real `dvc repro`: this folder is no DVC project
    assert failed["outcome"] == "failed" and "dvc repro" in failed["reason"], failed["reason"]
    n = failed["new_labels"]
    assert n > 0
    reg = load_registry(project)
    assert reg["labels_cursor"] == 0 and reg["events"][-1]["action"] == "failed"
    assert served_version(project) == "v1"
    assert [a for a, _ in _audit(sqlite_url)] == ["model_failed"]

    seen = fake_repro(monkeypatch, "v2", 0.92)
    again = retrain_flow(str(project), sqlite_url)
    assert again["outcome"] == "promoted" and again["new_labels"] == n  # the same labels, not lost
    assert len(seen[0].read_text(encoding="utf-8").splitlines()) == n
    assert load_registry(project)["labels_cursor"] > 0
    idle = retrain_flow(str(project), sqlite_url)
    assert idle["outcome"] == "no_new_labels"
    assert [a for a, _ in _audit(sqlite_url)] == ["model_failed", "model_promoted"]
    gate = _audit(sqlite_url)[-1][1]["gate"]
    assert {g["check"] for g in gate} >= {"grooming: PR-AUC", "grooming km: PR-AUC"}


def test_gate_refusal_restores_labels_and_keeps_the_cursor(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.retrain import retrain_flow
    from models.registry import load_registry, served_version

    project = make_project(tmp_path / "p")
    seed_moderators(sqlite_url, NORMAL)
    fake_repro(monkeypatch, "v2", 0.80)  # worse than v1's 0.90
    refused = retrain_flow(str(project), sqlite_url)
    assert refused["outcome"] == "refused" and "grooming: PR-AUC 0.9000 -> 0.8000" in refused["reason"]
    assert served_version(project) == "v1" and load_registry(project)["labels_cursor"] == 0
    assert (project / "data" / "labels" / "review.jsonl").read_text(encoding="utf-8") == ""


def test_one_exporter_hashed_ids_heldout_share_and_no_double_counting(tmp_path: Path, sqlite_url: str) -> None:
    from review.labels import export_labels

    seed_moderators(sqlite_url, NORMAL, per_moderator=40, shared=0)
    out = tmp_path / "labels"
    out.mkdir()
    (out / "decisions-00000012.jsonl").write_text('{"text": "old copy", "labels": []}\n', encoding="utf-8")
    with session_scope(get_engine(sqlite_url)) as session:
        done = export_labels(session, out)
    assert not (out / "decisions-00000012.jsonl").exists()  # the second exporter's copies are gone
    train = [json.loads(x) for x in done.path.read_text(encoding="utf-8").splitlines()]
    held = [json.loads(x) for x in done.heldout_path.read_text(encoding="utf-8").splitlines()]
    assert len(train) + len(held) == 160 and 10 <= len(held) <= 40
    assert not {r["decision_id"] for r in train} & {r["decision_id"] for r in held}
    assert done.heldout_path.parent != out  # the data stage never reads the held-out share
    assert len({r["moderator"] for r in train}) == 4
    assert all(len(r["moderator"]) == 16 and not r["moderator"].isdigit() for r in train)


@pytest.mark.parametrize(
    "path",
    [
        "data/labels/review.jsonl",
        "data/labels/decisions-00000042.jsonl",
        "data/labels-heldout/heldout.jsonl",
        "data/labels-quarantine/quarantined.jsonl",
    ],
)
def test_label_files_are_git_ignored(path: str) -> None:
    proc = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
    assert proc.returncode == 0, f"{path} is not git-ignored"


def test_referrals_reach_training_with_their_labels(tmp_path: Path, sqlite_url: str) -> None:
    from review.labels import export_labels

    seed_moderators(sqlite_url, {"mod_a": 0.0}, per_moderator=3, shared=0)
    with session_scope(get_engine(sqlite_url)) as session:
        d = session.execute(select(Decision).order_by(Decision.id).limit(1)).scalar_one()
        session.add(
            Decision(
                queue_item_id=d.queue_item_id,
                post_id=d.post_id,
                user_id=d.user_id,
                action="refer",
                labels=["trafficking_ad"],
                created_at=d.created_at + timedelta(hours=1),
            )
        )
    with session_scope(get_engine(sqlite_url)) as session:
        done = export_labels(session, tmp_path / "labels", heldout_percent=0)
    rows = [json.loads(x) for x in done.path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and ["trafficking_ad"] in [r["labels"] for r in rows]
    assert "refer" in {r["decision"] for r in rows}


def test_register_the_served_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from models.registry import load_registry

    project = make_project(tmp_path / "p")
    result = CliRunner().invoke(app, ["model", "register", "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    reg = load_registry(project)
    assert reg["current"] == "v1" and reg["versions"][0]["metrics"]["model_version"] == "v1"
    assert (project / "artifacts" / "registry" / "v1" / "manifest.json").exists()


def test_a_quarantined_batch_is_kept_out_and_can_be_released(tmp_path: Path, sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.retrain import export_training_labels

    project = make_project(tmp_path / "p")
    seed_moderators(sqlite_url, NORMAL, per_moderator=10, shared=0)
    runner = CliRunner()
    r = runner.invoke(app, ["model", "quarantine", "--project-dir", str(project), "--decisions", "1-20"])
    assert r.exit_code == 0, r.output
    done = export_training_labels(project, db_url=sqlite_url)
    ids = {json.loads(x)["decision_id"] for x in done.path.read_text(encoding="utf-8").splitlines()}
    assert done.quarantined_rows == 20 and not ids & set(range(1, 21))
    r = runner.invoke(app, ["model", "quarantine", "--project-dir", str(project), "--decisions", "1-20", "--release"])
    assert r.exit_code == 0, r.output
    assert export_training_labels(project, db_url=sqlite_url).quarantined_rows == 0
