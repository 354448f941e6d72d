"""The retraining loop end to end on a tiny copy of the repository's DVC project.

The copy has the repository's own ``dvc.yaml``, stage code (``models/``, ``features/``) and real data,
with ``params.yaml`` shrunk (few posts per family, small vocabularies, one ``C``) so that each
``dvc repro`` takes seconds. It is a git repository, so ``dvc metrics diff`` runs for real.
Then decisions are seeded in SQLite and ``retrain_flow`` runs: labels → ``dvc repro`` → compare →
promotion or refusal; and ``chhmam model rollback`` brings the previous model back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from store.db import get_engine, session_scope
from tests.support.paths import ROOT
from tests.support.rows import add_decided_post

# Only keys that exist in params.yaml are overridden, so other teams' new keys keep their defaults.
TINY: dict[str, Any] = {
    "data": {"synthetic_per_family": 4, "real_khmer_sentences": 60, "real_sms": 40, "real_job_ads": 20},
    "baseline": {"ngram_max": 3, "max_features": 4000, "word_max_features": 2000, "C_grid": [2.0], "cv_folds": 2},
}


def _merge(dst: dict[str, Any], src: dict[str, Any]) -> None:
    for k, v in src.items():
        if k in dst and isinstance(v, dict) and isinstance(dst[k], dict):
            _merge(dst[k], v)
        elif k in dst:
            dst[k] = v


HEAVY = (
    "backbone",
    "transformer",
    "student",
    "onnx",
    "cascade",
)  # stages that need torch training: not in the tiny copy


def _path(entry: Any) -> str:
    return str(next(iter(entry))) if isinstance(entry, dict) else str(entry)


def _light_items(stage: dict[str, Any]) -> dict[str, Any]:
    """A ``foreach`` stage keeps only its items that name no heavy model (evaluate@baseline stays)."""
    if "foreach" not in stage:
        return stage
    return {**stage, "foreach": [i for i in stage["foreach"] if not any(h in str(i) for h in HEAVY)]}


def _expanded(stages: dict[str, Any], keep: Any = lambda item: True) -> list[dict[str, Any]]:
    """Every stage as DVC runs it: a ``foreach`` stage once per (kept) item, with ``${item}`` filled in."""
    out = []
    for st in stages.values():
        if "foreach" not in st:
            out.append(st)
            continue
        for item in st["foreach"]:
            if keep(item):
                out.append(yaml.safe_load(yaml.safe_dump(st["do"]).replace("${item}", str(item))))
    return out


def _foreach_outs(stages: dict[str, Any], dropped: Any) -> set[str]:
    """Outputs the dropped items of ``foreach`` stages would have written."""
    only_foreach = {name: st for name, st in stages.items() if "foreach" in st}
    return {
        _path(o)
        for st in _expanded(only_foreach, dropped)
        for key in ("outs", "metrics", "plots")
        for o in st.get(key, [])
    }


def tiny_pipeline(pipeline: dict[str, Any]) -> dict[str, Any]:
    """The repository's ``dvc.yaml`` without the transformer stages (and deps on their outputs).

    The baseline path (data → train_baseline → evaluate → publish, plus whatever else is cheap) is
    kept exactly as the repository defines it, so the test follows changes to those stages.
    """
    stages = {name: _light_items(st) for name, st in pipeline["stages"].items()}
    heavy = {name for name, st in stages.items() if any(h in name or h in str(st.get("cmd", "")) for h in HEAVY)}
    heavy_outs = {_path(o) for name in heavy for key in ("outs", "metrics", "plots") for o in stages[name].get(key, [])}
    heavy_outs |= _foreach_outs(pipeline["stages"], lambda item: any(h in str(item) for h in HEAVY))
    kept = {}
    for name, st in stages.items():
        if name in heavy:
            continue
        st = dict(st)
        if "foreach" not in st:
            st["deps"] = [d for d in st.get("deps", []) if _path(d) not in heavy_outs]
        kept[name] = st
    out = dict(pipeline)
    out["stages"] = kept
    out.pop("plots", None)
    return out


def run(cmd: list[str], cwd: Path) -> str:
    env = {
        **os.environ,
        "DVC_NO_ANALYTICS": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def make_tiny_project(dest: Path) -> Path:
    """A git + DVC project with the repository's pipeline and tiny parameters, reproduced once."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    pipeline = tiny_pipeline(yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8")))
    stages = _expanded(pipeline["stages"])
    outs: set[str] = set()
    for stage in stages:
        for out in [*stage.get("outs", []), *stage.get("metrics", []), *stage.get("plots", [])]:
            outs.add(next(iter(out)) if isinstance(out, dict) else out)
    deps = {"models", "features"} | {d for st in stages for d in st.get("deps", [])}
    for dep in sorted(deps):
        src = ROOT / dep
        if dep in outs or any(dep.startswith(o + "/") for o in outs) or not src.exists() or dep == "data/labels":
            continue
        if (dest / dep).exists():
            continue
        if src.is_dir():
            shutil.copytree(src, dest / dep, ignore=ignore)
        else:
            (dest / dep).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / dep)
    for out in outs:
        (dest / out).parent.mkdir(parents=True, exist_ok=True)
    (dest / "data" / "labels").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "labels" / "README.md", dest / "data" / "labels" / "README.md")
    (dest / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False), encoding="utf-8")
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    _merge(params, TINY)
    if "serve" in params:
        params["serve"]["model"] = "baseline"
    (dest / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    (dest / ".gitignore").write_text("/artifacts/\n__pycache__/\n", encoding="utf-8")
    run(["git", "init", "-q"], dest)
    run([sys.executable, "-m", "dvc", "init", "-q"], dest)
    run([sys.executable, "-m", "dvc", "config", "core.analytics", "false"], dest)
    run([sys.executable, "-m", "dvc", "config", "core.site_cache_dir", ".dvc/site-cache"], dest)
    run([sys.executable, "-m", "dvc", "repro", "-q"], dest)
    run(["git", "add", "-A"], dest)
    run(["git", "commit", "-q", "-m", "tiny project"], dest)
    return dest


def test_promotion_rule() -> None:
    from models.promotion import metrics_diff, not_worse

    old = {"grooming": {"overall": {"pr_auc": 0.80}}, "trafficking_ad": {"overall": {"pr_auc": 0.70}}}
    same = {"grooming": {"overall": {"pr_auc": 0.796}}, "trafficking_ad": {"overall": {"pr_auc": 0.71}}}
    worse = {"grooming": {"overall": {"pr_auc": 0.79}}, "trafficking_ad": {"overall": {"pr_auc": 0.75}}}
    labels = ["grooming", "trafficking_ad"]
    assert not_worse(old, same, labels, 0.005)[0]
    ok, reason = not_worse(old, worse, labels, 0.005)
    assert not ok and reason.startswith("refused: grooming: PR-AUC 0.8000 -> 0.7900")
    assert not not_worse(old, {"grooming": {"overall": {}}}, labels, 0.005)[0]
    assert metrics_diff(old, worse)["grooming.overall.pr_auc"] == {"old": 0.8, "new": 0.79, "diff": -0.01}


def seed_decisions(url: str, n_confirm: int = 12, n_dismiss: int = 12) -> None:
    """Decided posts written like moderators' real cases (non-explicit, recruitment/grooming patterns)."""
    from store.db import get_engine

    grooming = [
        "hey you look so mature for grade {n}, which school? i can top up your phone credit, just dont "
        "tell your parents and add me on telegram",
        "ប្អូនរៀនថ្នាក់ទី{n}មែនទេ? បងនឹងទិញកាតទូរស័ព្ទឱ្យ កុំប្រាប់ម៉ាក់ណា ចូល telegram ជាមួយបង",
    ]
    benign = [
        "selling used school books grade {n}, pick up near the market, fair price",
        "ការប្រកួតបាល់ទាត់ថ្នាក់ទី{n} នៅសាលារៀនថ្ងៃសៅរ៍នេះ សូមអញ្ជើញមកគាំទ្រ",
    ]
    now = datetime.now(UTC) - timedelta(days=1)
    with session_scope(get_engine(url)) as session:
        for i in range(n_confirm + n_dismiss):
            confirm = i < n_confirm
            text = (grooming if confirm else benign)[i % 2].format(n=i + 3)
            add_decided_post(
                session,
                external_id=f"r{i}",
                content_hash=f"{i:064x}",
                text=text,
                at=now,
                lang="en" if i % 2 == 0 else "km",
                confirm=confirm,
                decided_at=now + timedelta(minutes=i),
                model_version="baseline-old",
            )


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    return make_tiny_project(tmp_path / "project")


def test_retrain_end_to_end_refusal_promotion_rollback(tiny_project: Path, sqlite_url: str) -> None:
    from flows.retrain import retrain_flow
    from models.registry import load_registry, served_version

    started = time.perf_counter()
    first = served_version(tiny_project)
    assert first
    seed_decisions(sqlite_url)

    # 1. An impossible bar (PR-AUC must rise by 1.0): the candidate is trained, compared and refused.
    refused = retrain_flow(str(tiny_project), sqlite_url, tolerance=-1.0)
    assert refused["outcome"] == "refused", refused
    assert refused["new_labels"] + refused["heldout_rows"] == 24  # a share is held out for the gate
    assert refused["new_version"] and refused["new_version"] != first
    assert refused["reason"].startswith("refused: ") and "PR-AUC" in refused["reason"]
    assert any(
        k.endswith("overall.pr_auc") and v["old"] is not None and v["new"] is not None
        for k, v in refused["metrics_diff"].items()
    )
    assert served_version(tiny_project) == first  # serving untouched
    # data/labels is back to what the served model was trained on (no decisions), so a plain
    # `dvc repro` reproduces it; the cursor has not moved, so the next run trains on them again
    assert Path(refused["labels_file"]).read_text(encoding="utf-8") == ""
    assert load_registry(tiny_project)["labels_cursor"] == 0
    # `dvc metrics diff` ran against git HEAD (the tiny project's first model) and agrees with ours
    dvc_diff = refused["dvc_metrics_diff"]["metrics/baseline.json"]
    for key in ("grooming.overall.pr_auc", "trafficking_ad.overall.pr_auc"):
        assert dvc_diff[key]["old"] == refused["metrics_diff"][key]["old"]
        assert dvc_diff[key]["new"] == refused["metrics_diff"][key]["new"]

    # 2. Accept any change within 1.0 PR-AUC (forced: no new decisions since): promoted and served.
    second = retrain_flow(str(tiny_project), sqlite_url, tolerance=1.0, force=True)
    assert second["outcome"] == "promoted", second
    assert second["reason"].startswith("promoted: ") and second["old_version"] == first
    assert second["new_labels"] == refused["new_labels"]
    labels_rows = [json.loads(line) for line in Path(second["labels_file"]).read_text(encoding="utf-8").splitlines()]
    held = [
        json.loads(line)
        for line in (tiny_project / "data" / "labels-heldout" / "heldout.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    assert sum(r["labels"] == ["grooming"] for r in labels_rows + held) == 12
    assert sum(r["labels"] == [] for r in labels_rows + held) == 12
    reg = load_registry(tiny_project)
    statuses = {v["version"]: v["status"] for v in reg["versions"]}
    assert statuses[first] == "promoted"
    new = second["new_version"]
    assert served_version(tiny_project) == new and reg["current"] == new
    assert (tiny_project / "artifacts" / "registry" / new / "manifest.json").exists()
    assert [e["action"] for e in reg["events"]][-1] == "promoted"

    from sqlalchemy import select

    from store.schema import AuditLog

    with session_scope(get_engine(sqlite_url)) as session:
        actions = session.execute(select(AuditLog.action).order_by(AuditLog.id)).scalars().all()
    assert actions == ["model_refused", "model_promoted"]

    # the gate's held-out scoring runs the models' own code on a moderator-labelled file
    from flows.retrain import heldout_metrics

    heldout = tiny_project / "heldout-probe.jsonl"
    heldout.write_text(
        "".join(
            json.dumps({"text": r["text"], "labels": r["labels"], "lang": r["lang"]}) + "\n" for r in labels_rows + held
        ),
        encoding="utf-8",
    )
    scored = heldout_metrics(tiny_project, tiny_project / "artifacts" / "model", heldout)
    assert scored["grooming"]["overall"]["n"] == 24 and "pr_auc" in scored["grooming"]["overall"]
    assert "moderator" in scored["false_flag_rate"]

    # 3. Nothing new to learn from: `chhmam retrain` does not retrain (CLI in-process; the database is
    #    the configured one, i.e. the sqlite_url fixture's).
    from typer.testing import CliRunner

    from flows.cli import app

    idle = CliRunner().invoke(app, ["retrain", "--project-dir", str(tiny_project)])
    assert idle.exit_code == 0, idle.output
    assert "no_new_labels" in idle.output and served_version(tiny_project) == new

    # 4. Rollback: one command brings the first model back; a second one has nowhere to go.
    out = run([sys.executable, "-m", "flows.cli", "model", "rollback", "--project-dir", str(tiny_project)], ROOT)
    assert first in out and new in out
    assert served_version(tiny_project) == first
    reg = load_registry(tiny_project)
    assert reg["current"] == first
    assert {v["version"]: v["status"] for v in reg["versions"]}[new] == "rolled_back"
    again = subprocess.run(
        [sys.executable, "-m", "flows.cli", "model", "rollback", "--project-dir", str(tiny_project)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1 and "no earlier promoted model" in again.stderr
    assert served_version(tiny_project) == first
    assert time.perf_counter() - started < 240
