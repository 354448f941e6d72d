"""The retraining loop: moderators' decisions → DVC labels → ``dvc repro`` → compare → promote or refuse.

Why it is built this way:

* **Labels through DVC.** New decisions (confirm → the confirmed labels, dismiss → no label) are
  appended to ``data/labels/decisions-<last id>.jsonl``, an input of the ``data`` stage, so a model is
  always reproducible from the repository plus its DVC-tracked inputs. A cursor in the registry
  (the last decision id exported) makes every decision exported exactly once.
* **The fixed test set.** Moderator rows go to the training split only (``models/data/dataset.py``), so
  the test split is the same before and after; the flow checks that by hashing it, and re-evaluates
  the old model on the new test split if it did change.
* **"Not worse".** The promotion rule is ``models.promotion.gate``: no check (PR-AUC per label,
  per language, probe and held-out sets; false-flag rates) may get worse beyond its tolerance.
  Anything else is a refusal, with the reason recorded.
* **A registry of versions.** ``models.registry`` (``artifacts/registry/``) records every version
  seen and keeps a copy of each promoted bundle, so rolling back is one command
  (``chhmam model rollback``).
* **A refusal leaves serving untouched.** ``dvc.lock`` is restored and ``dvc checkout`` puts the
  previous outputs back from the DVC cache, so ``artifacts/model`` is the model that was served.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from models.params import MLLayout
from models.promotion import MIN_HELDOUT, Tolerances, gate, metrics_diff, retrain_params, rows_fingerprint
from models.registry import (
    REGISTRY,
    SERVED,
    archive_served,
    find_version,
    load_registry,
    now_iso,
    registry_lock,
    replace_dir,
    save_registry,
    served_metrics_file,
    served_version,
)
from review.labels import (
    LabelExport,
    ModeratorPolicy,
    ModeratorStats,
    Quarantine,
    moderator_report,
    write_label_files,
)
from store.audit import record_event
from store.db import get_engine, migrate, session_scope
from store.paths import CHECKOUT as PROJECT_ROOT
from store.report_queries import labelled_decisions

log = logging.getLogger("chhmam.flows")

# ---------------------------------------------------------------- labels


def labels_dir(project: Path) -> Path:
    """``data/labels`` of ``project`` (an input of the data stage)."""
    return project / "data" / "labels"


def registry_quarantine(reg: dict[str, Any]) -> Quarantine:
    """The quarantine the registry holds: hashed moderator ids and decision-id ranges."""
    q = reg.get("quarantine") or {}
    return Quarantine(frozenset(q.get("moderators", [])), tuple((int(a), int(b)) for a, b in q.get("ranges", [])))


def export_training_labels(
    project: Path = PROJECT_ROOT, out_dir: Path | None = None, db_url: str | None = None
) -> LabelExport:
    """Every standing decision to the label files, minus the registry's quarantine (``review export-labels``)."""
    reg = load_registry(project)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        decisions = labelled_decisions(session)
    return write_label_files(
        decisions, out_dir or labels_dir(project), registry_quarantine(reg), after_id=int(reg.get("labels_cursor", 0))
    )


# ---------------------------------------------------------------- DVC and metrics


def _env(project: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DVC_NO_ANALYTICS"] = "1"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def dvc(project: Path, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    """Run ``dvc ARGS`` in ``project`` offline; raises with DVC's own output on failure."""
    proc = subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=project,
        env=_env(project),
        text=True,
        capture_output=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dvc {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def heldout_metrics(project: Path, model_dir: Path, heldout: Path) -> dict[str, Any]:
    """Metrics of ``model_dir`` on the moderator-labelled held-out file (models' own scoring code)."""
    code = (
        "import json,sys; from pathlib import Path; from models.bundle import load_bundle; "
        "from models.inference import probabilities; from models.eval.metrics import breakdown; "
        "rows=[dict(json.loads(l), kind='moderator') for l in open(sys.argv[2], encoding='utf-8')]; "
        "b=load_bundle(Path(sys.argv[1])); p=probabilities(b,[r['text'] for r in rows]); "
        "print(json.dumps(breakdown(rows,p,tuple(b.labels),b.thresholds)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(model_dir), str(heldout)],
        cwd=project,
        env=_env(project),
        text=True,
        capture_output=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scoring the held-out set with {model_dir} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def reevaluate(project: Path, model_dir: Path) -> dict[str, Any]:
    """Metrics of ``model_dir`` on the project's current test split (same code as the evaluate stage)."""
    rel = os.path.relpath(model_dir, project / "artifacts")
    code = (
        "import json,sys; from models.eval.evaluate import evaluate; r = evaluate(sys.argv[1]); "
        "print(json.dumps(r[0] if isinstance(r, tuple) else r))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, rel], cwd=project, env=_env(project), text=True, capture_output=True, timeout=1800
    )
    if proc.returncode != 0:
        raise RuntimeError(f"re-evaluating {model_dir} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@dataclass
class RetrainResult:
    """What one retraining run did, for the CLI, the flow's return value and the registry."""

    outcome: str  # promoted | refused | unchanged | no_new_labels | failed
    reason: str
    old_version: str | None
    new_version: str | None
    labels_file: str | None = None
    new_labels: int = 0
    metrics_diff: dict[str, dict[str, float | None]] = field(default_factory=dict)
    dvc_metrics_diff: Any = None
    seconds: float = 0.0
    gate: list[dict[str, Any]] = field(default_factory=list)
    moderators: list[dict[str, Any]] = field(default_factory=list)
    agreement: dict[str, dict[str, Any]] = field(default_factory=dict)
    flagged_moderators: list[str] = field(default_factory=list)
    heldout_rows: int = 0


@task(cache_policy=NO_CACHE)
def repro_task(project: str, targets: list[str]) -> str:
    """Prefect task: ``dvc repro`` (offline)."""
    return dvc(Path(project), "repro", *targets).stdout


def _dvc_metrics_diff(project: Path) -> Any:
    """``dvc metrics diff --json`` against git HEAD when the project is a git repository (else a note)."""
    if not (project / ".git").exists():
        return {"note": "not a git repository: compared metrics files before/after instead"}
    try:
        return json.loads(dvc(project, "metrics", "diff", "--json", timeout=300).stdout or "{}")
    except (RuntimeError, json.JSONDecodeError) as exc:
        return {"error": str(exc)[-500:]}


@flow(name="retrain")
def retrain_flow(
    project_dir: str | None = None,
    db_url: str | None = None,
    tolerance: float | None = None,
    targets: list[str] | None = None,
    force: bool = False,
    moderator_action: str = ModeratorPolicy.action,
) -> dict[str, Any]:
    """Export labels, check moderators, ``dvc repro``, gate on the fixed test and held-out sets, promote or refuse.

    ``tolerance`` (if given) applies to every check of the gate; ``force`` retrains even when there
    are no new decisions (e.g. after a code change); ``moderator_action`` is refuse, quarantine or report.
    """
    project = Path(project_dir) if project_dir else PROJECT_ROOT
    cfg = retrain_params(project)
    tol = Tolerances(**cfg.get("tolerance", {})) if tolerance is None else Tolerances.uniform(tolerance)
    policy = ModeratorPolicy(action=moderator_action, **cfg.get("moderators", {}))
    migrate(db_url)
    with registry_lock(project):
        return asdict(_retrain(project, db_url, tol, targets or [], force, policy))


def _record(
    project: Path,
    db_url: str | None,
    outcome: str,
    old: str | None,
    new: str | None,
    reason: str,
    detail: dict[str, Any],
) -> None:
    """Every gate decision to the registry's events and the audit log."""
    reg = load_registry(project)
    reg["events"].append(
        {
            "at": now_iso(),
            "action": outcome,
            "from": old,
            "to": new,
            "reason": reason,
            **{k: v for k, v in detail.items() if k in ("gate", "flagged_moderators", "new_labels")},
        }
    )
    save_registry(project, reg)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        record_event(
            session, f"model_{outcome}", "model", str(new or old), {"previous": old, "reason": reason, **detail}
        )


def _flagged(stats: list[ModeratorStats]) -> list[str]:
    return [f"{s.name} ({'; '.join(s.outlier)})" for s in stats if s.outlier]


def _restore_serving(
    project: Path, lock_backup: str | None, metrics_backup: dict[Path, bytes], old_version: str | None
) -> None:
    """Put ``dvc.lock``, the DVC outputs, ``metrics/`` and ``artifacts/model`` back as they were served."""
    if lock_backup is not None:
        (project / "dvc.lock").write_text(lock_backup, encoding="utf-8")
        try:
            dvc(project, "checkout", "--force")
        except RuntimeError as exc:  # outputs a failed stage never wrote are not in the cache
            log.warning("dvc checkout after the failure: %s", str(exc)[-300:])
    for path, data in metrics_backup.items():  # metrics are not in the DVC cache (cache: false)
        path.write_bytes(data)
    if old_version is not None and served_version(project) != old_version:
        replace_dir(project / REGISTRY / old_version, project / SERVED)


def _retrain(
    project: Path, db_url: str | None, tol: Tolerances, targets: list[str], force: bool, policy: ModeratorPolicy
) -> RetrainResult:
    started = datetime.now(UTC)
    reg = load_registry(project)
    metrics_file = served_metrics_file(project)
    metrics_backup = metrics_file.read_text(encoding="utf-8") if metrics_file.exists() else None
    metrics_dir_backup = {p: p.read_bytes() for p in (project / "metrics").rglob("*") if p.is_file()}
    file_metrics = json.loads(metrics_backup) if metrics_backup else {}
    current = served_version(project)
    if file_metrics.get("model_version") != current:
        file_metrics = {}  # the metrics file describes another model (e.g. a refused candidate)
    old_version = archive_served(project, reg, file_metrics)
    entry_old = find_version(reg, old_version) if old_version else None
    old_metrics = (entry_old or {}).get("metrics") or file_metrics
    if entry_old is not None and not entry_old.get("metrics") and file_metrics:
        entry_old["metrics"] = file_metrics
    save_registry(project, reg)

    # labels: every standing decision, checked per moderator; the cursor is the last promoted model's
    cursor = int(reg.get("labels_cursor", 0))
    quarantine = registry_quarantine(reg)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        decisions = labelled_decisions(session)
    stats, agreement = moderator_report(decisions, policy)
    flagged = _flagged(stats)
    if flagged and policy.action == "quarantine":
        quarantine = Quarantine(quarantine.moderators | {s.moderator for s in stats if s.outlier}, quarantine.ranges)
    export = write_label_files(decisions, labels_dir(project), quarantine, after_id=cursor)
    base: dict[str, Any] = {
        "labels_file": str(export.path),
        "new_labels": export.new_rows,
        "heldout_rows": export.heldout_rows,
        "moderators": [asdict(s) for s in stats],
        "agreement": agreement,
        "flagged_moderators": flagged,
    }

    def restore_labels() -> LabelExport:
        """data/labels as the served model was trained on it, so a plain ``dvc repro`` reproduces it."""
        return write_label_files(
            [d for d in decisions if d.decision_id <= cursor], labels_dir(project), quarantine, after_id=cursor
        )

    if export.new_rows == 0 and not force:
        reason = "no new moderator decisions since the last promoted model"
        log.info(reason)
        return RetrainResult("no_new_labels", reason, old_version, None, **base)
    if flagged and policy.action == "refuse":
        restore_labels()
        reason = "refused: moderator labels look unreliable: " + "; ".join(flagged)
        _record(
            project,
            db_url,
            "refused",
            old_version,
            None,
            reason,
            {"flagged_moderators": flagged, "new_labels": export.new_rows, "moderators": base["moderators"]},
        )
        log.info(reason)
        return RetrainResult("refused", reason, old_version, None, **base)

    test_file = MLLayout(project).generated / "test.jsonl"
    test_before = rows_fingerprint(test_file)
    lock_backup = (project / "dvc.lock").read_text(encoding="utf-8") if (project / "dvc.lock").exists() else None
    try:
        repro_task(str(project), targets)
    except Exception as exc:  # the labels stay for the next run: the cursor has not moved
        _restore_serving(project, lock_backup, metrics_dir_backup, old_version)
        restore_labels()
        reason = f"failed: dvc repro: {str(exc)[-400:]}"
        _record(project, db_url, "failed", old_version, None, reason, {"new_labels": export.new_rows})
        log.info(reason)
        return RetrainResult("failed", reason, old_version, None, **base)
    dvc_diff = _dvc_metrics_diff(project)
    new_version = served_version(project)
    new_metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    if old_version is not None and (rows_fingerprint(test_file) != test_before or not old_metrics):
        log.info("no comparable metrics for the served model: re-evaluating it on the current test split")
        old_metrics = reevaluate(project, project / REGISTRY / old_version)
    if old_version is not None and export.heldout_rows >= MIN_HELDOUT:
        old_metrics = {
            **old_metrics,
            "heldout": heldout_metrics(project, project / REGISTRY / old_version, export.heldout_path),
        }
        new_metrics = {**new_metrics, "heldout": heldout_metrics(project, project / SERVED, export.heldout_path)}
    labels = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))["labels"]
    ok, reason, checks = gate(old_metrics, new_metrics, labels, tol)
    if flagged:
        reason += f" (moderators {policy.action}: {'; '.join(flagged)})"
    diff = metrics_diff(old_metrics, new_metrics)
    reg = load_registry(project)
    entry = {
        "version": new_version,
        "trained_at": now_iso(),
        "promoted_at": None,
        "status": "",
        "metrics": new_metrics,
        "reason": reason,
        "labels_file": str(export.path),
        "new_labels": export.new_rows,
        "labels_upto": export.last_decision_id,
        "previous": old_version,
        "gate": checks,
    }
    if new_version == old_version:
        outcome, reason = "unchanged", "retraining produced the same model bytes as the served one"
    elif ok:
        outcome = "promoted"
        entry.update(status="promoted", promoted_at=now_iso())
        shutil.copytree(project / SERVED, project / REGISTRY / str(new_version), dirs_exist_ok=True)
        reg["current"] = new_version
        reg["labels_cursor"] = export.last_decision_id  # only now: a refusal or failure keeps the labels
    else:
        outcome = "refused"
        entry["status"] = "refused"
        _restore_serving(project, lock_backup, metrics_dir_backup, old_version)
        restore_labels()
    if outcome != "unchanged":
        existing = find_version(reg, str(new_version))
        if existing is not None:
            reg["versions"].remove(existing)
        reg["versions"].append(entry)
    save_registry(project, reg)
    _record(
        project,
        db_url,
        outcome,
        old_version,
        new_version,
        reason,
        {"new_labels": export.new_rows, "gate": checks, "flagged_moderators": flagged},
    )
    result = RetrainResult(
        outcome,
        reason,
        old_version,
        new_version,
        metrics_diff=diff,
        dvc_metrics_diff=dvc_diff,
        seconds=(datetime.now(UTC) - started).total_seconds(),
        gate=checks,
        **base,
    )
    log.info("%s: %s", outcome, reason)
    return result
