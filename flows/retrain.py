"""The retraining loop: moderators' decisions → DVC labels → ``dvc repro`` → compare → promote or refuse.

Why it is built this way:

* **Labels through DVC.** New decisions (confirm → the confirmed labels, dismiss → no label) are
  appended to ``data/labels/decisions-<last id>.jsonl``, an input of the ``data`` stage, so a model is
  always reproducible from the repository plus its DVC-tracked inputs. A cursor in the registry
  (the last decision id exported) makes every decision exported exactly once.
* **The fixed test set.** Moderator rows go to the training split only (``models/dataset.py``), so
  the test split is the same before and after; the flow checks that by hashing it, and re-evaluates
  the old model on the new test split if it did change.
* **"Not worse".** For every label, the new model's overall PR-AUC on the test split may be at most
  ``tolerance`` (0.005) below the current model's. PR-AUC is the figure the team tracks because
  positives are rare; a tiny tolerance absorbs noise from retraining without letting a real
  regression through. Anything else is a refusal, with the reason recorded.
* **A registry of versions.** ``artifacts/registry/registry.json`` lists every version seen
  (trained_at, promoted_at, metrics, status) and keeps a copy of each promoted bundle in
  ``artifacts/registry/<version>/``. Scores already carry ``model_version``; the registry says which
  model that was and when it served. Rolling back copies the previous promoted bundle into
  ``artifacts/model`` in one command (``chhmam model rollback``).
* **A refusal leaves serving untouched.** ``dvc.lock`` is restored and ``dvc checkout`` puts the
  previous outputs back from the DVC cache, so ``artifacts/model`` is the model that was served.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from store.db import get_engine, migrate, session_scope
from store.reports import decided_examples, record_event
from store.settings import PROJECT_ROOT

DEFAULT_TOLERANCE = 0.005
REGISTRY = Path("artifacts") / "registry"
SERVED = Path("artifacts") / "model"


def now_iso() -> str:
    """UTC now, seconds precision, for the registry."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- registry


def registry_path(project: Path) -> Path:
    """Where the registry JSON lives for ``project``."""
    return project / REGISTRY / "registry.json"


@contextmanager
def registry_lock(project: Path) -> Iterator[None]:
    """One retrain or rollback at a time per project (an exclusive lock on ``artifacts/registry/.lock``)."""
    path = project / REGISTRY / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RuntimeError(f"another retrain or rollback holds {path}") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_registry(project: Path) -> dict[str, Any]:
    """The registry (an empty one if none has been written)."""
    path = registry_path(project)
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return {"current": None, "labels_cursor": 0, "versions": [], "events": []}


def save_registry(project: Path, reg: dict[str, Any]) -> None:
    """Write the registry atomically (a crash never leaves half a file)."""
    path = registry_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(reg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _entry(reg: dict[str, Any], version: str) -> dict[str, Any] | None:
    return next((v for v in reg["versions"] if v["version"] == version), None)


def served_version(project: Path) -> str | None:
    """The version in ``artifacts/model`` (what ``chhmam score`` and the flows load)."""
    manifest = project / SERVED / "manifest.json"
    if not manifest.exists():
        return None
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


def _copy_dir(src: Path, dst: Path) -> None:
    """Replace ``dst`` with a copy of ``src`` via a temporary sibling, so readers never see half a model."""
    tmp = dst.with_name(dst.name + ".incoming")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(src, tmp)
    if dst.exists():
        old = dst.with_name(dst.name + ".outgoing")
        if old.exists():
            shutil.rmtree(old)
        dst.rename(old)
        tmp.rename(dst)
        shutil.rmtree(old)
    else:
        tmp.rename(dst)


def archive_served(project: Path, reg: dict[str, Any], metrics: dict[str, Any] | None = None) -> str | None:
    """Keep a copy of the served bundle in the registry (first run: register it as promoted)."""
    version = served_version(project)
    if version is None:
        return None
    dst = project / REGISTRY / version
    if not dst.exists():
        shutil.copytree(project / SERVED, dst)
    if _entry(reg, version) is None:
        reg["versions"].append({"version": version, "trained_at": None, "promoted_at": now_iso(),
                                "status": "promoted", "metrics": metrics or {}, "reason": "served before the registry"})
    if reg["current"] is None:
        reg["current"] = version
    return version


def rollback(project: Path = PROJECT_ROOT) -> dict[str, str]:
    """Serve the previously promoted version again; returns ``{"from", "to"}``.

    Walks back through promotions: calling it twice goes back two versions.
    """
    with registry_lock(project):
        return _rollback(project)


def _rollback(project: Path) -> dict[str, str]:
    reg = load_registry(project)
    current = reg["current"] or served_version(project)
    promoted = [v["version"] for v in reg["versions"] if v.get("status") == "promoted"]
    if current not in promoted or promoted.index(current) == 0:
        raise RuntimeError(f"no earlier promoted model to roll back to (current: {current}, promoted: {promoted})")
    target = promoted[promoted.index(current) - 1]
    src = project / REGISTRY / target
    if not (src / "manifest.json").exists():
        raise RuntimeError(f"registry copy of {target} is missing at {src}")
    _copy_dir(src, project / SERVED)
    entry = _entry(reg, str(current))
    if entry is not None:
        entry["status"] = "rolled_back"
        entry["rolled_back_at"] = now_iso()
    reg["current"] = target
    reg["events"].append({"at": now_iso(), "action": "rollback", "from": current, "to": target})
    save_registry(project, reg)
    return {"from": str(current), "to": target}


# ---------------------------------------------------------------- labels


def collect_labels(project: Path, db_url: str | None = None) -> tuple[Path | None, int]:
    """Append decisions newer than the registry's cursor to ``data/labels``; returns (file, rows)."""
    reg = load_registry(project)
    cursor = int(reg.get("labels_cursor", 0))
    with session_scope(get_engine(db_url) if db_url else None) as session:
        examples = decided_examples(session, after_id=cursor)
    if not examples:
        return None, 0
    last = examples[-1].decision_id
    out = project / "data" / "labels" / f"decisions-{last:08d}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for e in examples:
            fh.write(json.dumps({"text": e.text, "labels": list(e.labels), "lang": e.lang or "",
                                 "decision": e.action, "decision_id": e.decision_id}, ensure_ascii=False) + "\n")
    reg["labels_cursor"] = last
    save_registry(project, reg)
    return out, len(examples)


# ---------------------------------------------------------------- DVC and metrics


def _env(project: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DVC_NO_ANALYTICS"] = "1"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def dvc(project: Path, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    """Run ``dvc ARGS`` in ``project`` offline; raises with DVC's own output on failure."""
    proc = subprocess.run([sys.executable, "-m", "dvc", *args], cwd=project, env=_env(project), text=True,
                          capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"dvc {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def served_metrics_file(project: Path) -> Path:
    """``metrics/<serve.model>.json``: the metrics of the model ``publish`` copies to ``artifacts/model``."""
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    return project / "metrics" / f"{params.get('serve', {}).get('model', 'baseline')}.json"


def rows_fingerprint(path: Path) -> str | None:
    """SHA-256 of a JSONL file's sorted lines (None if absent): the same rows in another order match.

    The data stage shuffles each split with one seeded generator, so more training rows reorder the
    test split without changing it; only a change of its rows makes old metrics incomparable.
    """
    if not path.exists():
        return None
    lines = sorted(path.read_text(encoding="utf-8").splitlines())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _leaves(obj: Any, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out[prefix] = float(obj)
    return out


def metrics_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Every numeric metric, old/new/diff, in the shape ``dvc metrics diff --json`` uses per file."""
    a, b = _leaves(old), _leaves(new)
    out: dict[str, dict[str, float | None]] = {}
    for key in sorted(set(a) | set(b)):
        o, n = a.get(key), b.get(key)
        out[key] = {"old": o, "new": n, "diff": round(n - o, 6) if o is not None and n is not None else None}
    return out


def not_worse(old: dict[str, Any], new: dict[str, Any], labels: list[str], tolerance: float) -> tuple[bool, str]:
    """The promotion rule: per label, overall PR-AUC may drop by at most ``tolerance``."""
    problems, notes = [], []
    for lb in labels:
        o = old.get(lb, {}).get("overall", {}).get("pr_auc")
        n = new.get(lb, {}).get("overall", {}).get("pr_auc")
        if n is None:
            problems.append(f"{lb}: new model has no PR-AUC")
        elif o is None:
            notes.append(f"{lb}: no earlier PR-AUC, new {n:.4f}")
        elif n < o - tolerance:
            problems.append(f"{lb}: PR-AUC {o:.4f} -> {n:.4f} ({n - o:+.4f} < -{tolerance})")
        else:
            notes.append(f"{lb}: PR-AUC {o:.4f} -> {n:.4f} ({n - o:+.4f})")
    if problems:
        return False, "refused: " + "; ".join(problems)
    return True, "promoted: " + "; ".join(notes)


def reevaluate(project: Path, model_dir: Path) -> dict[str, Any]:
    """Metrics of ``model_dir`` on the project's current test split (same code as the evaluate stage)."""
    rel = os.path.relpath(model_dir, project / "artifacts")
    code = ("import json,sys; from models.evaluate import evaluate; r = evaluate(sys.argv[1]); "
            "print(json.dumps(r[0] if isinstance(r, tuple) else r))")
    proc = subprocess.run([sys.executable, "-c", code, rel], cwd=project, env=_env(project), text=True,
                          capture_output=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"re-evaluating {model_dir} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@dataclass
class RetrainResult:
    """What one retraining run did, for the CLI, the flow's return value and the registry."""

    outcome: str  # promoted | refused | unchanged | no_new_labels
    reason: str
    old_version: str | None
    new_version: str | None
    labels_file: str | None = None
    new_labels: int = 0
    metrics_diff: dict[str, dict[str, float | None]] = field(default_factory=dict)
    dvc_metrics_diff: Any = None
    seconds: float = 0.0


@task(cache_policy=NO_CACHE)
def collect_task(project: str, db_url: str | None) -> tuple[str | None, int]:
    """Prefect task: export new decisions to the DVC labels folder."""
    path, n = collect_labels(Path(project), db_url)
    return (str(path) if path else None), n


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


@flow(name="retrain", log_prints=True)
def retrain_flow(project_dir: str | None = None, db_url: str | None = None,
                 tolerance: float = DEFAULT_TOLERANCE, targets: list[str] | None = None,
                 force: bool = False) -> dict[str, Any]:
    """Collect decisions, ``dvc repro``, compare on the fixed test set, promote or refuse.

    ``force`` retrains even when there are no new decisions (e.g. after a code change).
    """
    project = Path(project_dir) if project_dir else PROJECT_ROOT
    migrate(db_url)
    with registry_lock(project):
        return _retrain(project, db_url, tolerance, targets or [], force)


def _retrain(project: Path, db_url: str | None, tolerance: float, targets: list[str], force: bool) -> dict[str, Any]:
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
    entry_old = _entry(reg, old_version) if old_version else None
    old_metrics = (entry_old or {}).get("metrics") or file_metrics
    if entry_old is not None and not entry_old.get("metrics") and file_metrics:
        entry_old["metrics"] = file_metrics
    save_registry(project, reg)
    labels_file, n = collect_task(str(project), db_url)
    if n == 0 and not force:
        result = RetrainResult("no_new_labels", "no new moderator decisions since the last run", old_version, None)
        print(result.reason)
        return asdict(result)
    test_file = project / "data" / "generated" / "test.jsonl"
    test_before = rows_fingerprint(test_file)
    lock_backup = (project / "dvc.lock").read_text(encoding="utf-8") if (project / "dvc.lock").exists() else None
    repro_task(str(project), targets)
    dvc_diff = _dvc_metrics_diff(project)
    new_version = served_version(project)
    new_metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    if old_version is not None and (rows_fingerprint(test_file) != test_before or not old_metrics):
        print("no comparable metrics for the served model: re-evaluating it on the current test split")
        old_metrics = reevaluate(project, project / REGISTRY / old_version)
    labels = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))["labels"]
    ok, reason = not_worse(old_metrics, new_metrics, labels, tolerance)
    diff = metrics_diff(old_metrics, new_metrics)
    reg = load_registry(project)
    entry = {"version": new_version, "trained_at": now_iso(), "promoted_at": None, "status": "",
             "metrics": new_metrics, "reason": reason, "labels_file": labels_file, "new_labels": n,
             "previous": old_version}
    if new_version == old_version:
        outcome, reason = "unchanged", "retraining produced the same model bytes as the served one"
    elif ok:
        outcome = "promoted"
        entry.update(status="promoted", promoted_at=now_iso())
        shutil.copytree(project / SERVED, project / REGISTRY / str(new_version), dirs_exist_ok=True)
        reg["current"] = new_version
    else:
        outcome = "refused"
        entry["status"] = "refused"
        if lock_backup is not None:
            (project / "dvc.lock").write_text(lock_backup, encoding="utf-8")
            dvc(project, "checkout", "--force")
        for path, data in metrics_dir_backup.items():  # metrics are not in the DVC cache (cache: false)
            path.write_bytes(data)
        if served_version(project) != old_version and old_version is not None:
            _copy_dir(project / REGISTRY / old_version, project / SERVED)
    if outcome != "unchanged":
        existing = _entry(reg, str(new_version))
        if existing is not None:
            reg["versions"].remove(existing)
        reg["versions"].append(entry)
    reg["events"].append({"at": now_iso(), "action": outcome, "from": old_version, "to": new_version,
                          "reason": reason})
    save_registry(project, reg)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        record_event(session, f"model_{outcome}", "model", str(new_version),
                     {"previous": old_version, "reason": reason, "new_labels": n})
    result = RetrainResult(outcome, reason, old_version, new_version, labels_file, n, diff, dvc_diff,
                           (datetime.now(UTC) - started).total_seconds())
    print(f"{outcome}: {reason}")
    return asdict(result)
