"""The retraining loop: moderators' decisions → DVC labels → ``dvc repro`` → compare → promote or refuse.

Why it is built this way:

* **Labels through DVC.** New decisions (confirm → the confirmed labels, dismiss → no label) are
  appended to ``data/labels/decisions-<last id>.jsonl``, an input of the ``data`` stage, so a model is
  always reproducible from the repository plus its DVC-tracked inputs. A cursor in the registry
  (the last decision id exported) makes every decision exported exactly once.
* **The fixed test set.** Moderator rows go to the training split only (``models/data/dataset.py``), so
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

from models.params import MLLayout
from review.labels import (
    LabelExport,
    ModeratorPolicy,
    ModeratorStats,
    Quarantine,
    moderator_report,
    write_label_files,
)
from store.db import get_engine, migrate, session_scope
from store.paths import CHECKOUT as PROJECT_ROOT
from store.reports import labelled_decisions, record_event

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


def register_served(project: Path = PROJECT_ROOT) -> str | None:
    """Register the served bundle (and its metrics, when the metrics file describes it); its version."""
    with registry_lock(project):
        reg = load_registry(project)
        metrics_file = served_metrics_file(project)
        metrics = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.exists() else {}
        version = served_version(project)
        if metrics.get("model_version") != version:
            metrics = {}
        registered = archive_served(project, reg, metrics)
        if registered is not None:
            reg["events"].append({"at": now_iso(), "action": "registered", "to": registered})
        save_registry(project, reg)
        return registered


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


def labels_dir(project: Path) -> Path:
    """``data/labels`` of ``project`` (an input of the data stage)."""
    return project / "data" / "labels"


def registry_quarantine(reg: dict[str, Any]) -> Quarantine:
    """The quarantine the registry holds: hashed moderator ids and decision-id ranges."""
    q = reg.get("quarantine") or {}
    return Quarantine(frozenset(q.get("moderators", [])), tuple((int(a), int(b)) for a, b in q.get("ranges", [])))


def set_quarantine(project: Path, moderators: list[str] | None = None, ranges: list[list[int]] | None = None,
                   release: bool = False) -> dict[str, Any]:
    """Add to (or, with ``release``, lift from) the quarantine; takes effect at the next label export."""
    with registry_lock(project):
        reg = load_registry(project)
        q = reg.setdefault("quarantine", {"moderators": [], "ranges": []})
        for key, items in (("moderators", moderators or []), ("ranges", ranges or [])):
            for item in items:
                if release and item in q[key]:
                    q[key].remove(item)
                elif not release and item not in q[key]:
                    q[key].append(item)
        reg["events"].append({"at": now_iso(), "action": "quarantine_released" if release else "quarantined",
                              "moderators": moderators or [], "ranges": ranges or []})
        save_registry(project, reg)
        return dict(q)


def export_training_labels(project: Path = PROJECT_ROOT, out_dir: Path | None = None,
                           db_url: str | None = None) -> LabelExport:
    """Every standing decision to the label files, minus the registry's quarantine (``review export-labels``)."""
    reg = load_registry(project)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        decisions = labelled_decisions(session)
    return write_label_files(decisions, out_dir or labels_dir(project), registry_quarantine(reg),
                             after_id=int(reg.get("labels_cursor", 0)))


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


@dataclass(frozen=True)
class Tolerances:
    """How much worse a candidate may be on each check and still count as "not worse".

    The values in force are ``params.yaml`` ``retrain.tolerance``. PR-AUC drops are absolute; the
    per-language, probe and held-out sets are smaller than the test
    split, so their noise (and tolerance) is larger. False-flag rates are absolute rises.
    """

    pr_auc: float = DEFAULT_TOLERANCE
    pr_auc_language: float = 0.02
    probe: float = 0.02
    heldout: float = 0.03
    false_flag: float = 0.005

    @classmethod
    def uniform(cls, tolerance: float) -> Tolerances:
        """One tolerance for every check (``chhmam retrain --tolerance``)."""
        return cls(tolerance, tolerance, tolerance, tolerance, tolerance)


LANGUAGES = ("km", "en", "mixed")


def _get(metrics: dict[str, Any], *path: str) -> float | None:
    node: Any = metrics
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def gate_checks(old: dict[str, Any], new: dict[str, Any], labels: list[str],
                tol: Tolerances) -> list[tuple[str, tuple[str, ...], float, bool]]:
    """(name, metric path, tolerance, higher is better) of every check the gate runs."""
    checks: list[tuple[str, tuple[str, ...], float, bool]] = []
    for lb in labels:
        checks.append((f"{lb}: PR-AUC", (lb, "overall", "pr_auc"), tol.pr_auc, True))
        checks += [(f"{lb} {lang}: PR-AUC", (lb, lang, "pr_auc"), tol.pr_auc_language, True) for lang in LANGUAGES]
        checks.append((f"probe {lb}: PR-AUC", ("probe", lb, "overall", "pr_auc"), tol.probe, True))
        checks.append((f"held-out moderator labels {lb}: PR-AUC", ("heldout", lb, "overall", "pr_auc"),
                       tol.heldout, True))
    for source in sorted({*(old.get("real_text") or {}), *(new.get("real_text") or {})}):
        checks.append((f"real benign text {source}: false-flag rate", ("real_text", source, "flag_rate", "any"),
                       tol.false_flag, False))
    checks.append(("held-out dismissed posts: false-flag rate", ("heldout", "false_flag_rate", "moderator"),
                   tol.false_flag, False))
    return checks


def gate(old: dict[str, Any], new: dict[str, Any], labels: list[str],
         tol: Tolerances = Tolerances()) -> tuple[bool, str, list[dict[str, Any]]]:
    """The promotion rule: no check may get worse beyond its tolerance; returns (ok, reason, checks).

    Overall PR-AUC alone let a model through whose Khmer grooming PR-AUC fell from 0.87 to 0.70:
    languages, the probe set, the moderator-labelled held-out set and false flags on real benign
    text are each checked. A check the old model has and the candidate lacks is a refusal; one the
    old model lacks is only noted.
    """
    problems, notes, table = [], [], []
    for name, path, limit, higher_better in gate_checks(old, new, labels, tol):
        o, n = _get(old, *path), _get(new, *path)
        if o is None and n is None:
            continue
        row: dict[str, Any] = {"check": name, "old": o, "new": n, "tolerance": limit}
        if n is None:
            problems.append(f"{name}: the new model has none")
            row["ok"] = False
        elif o is None:
            notes.append(f"{name}: no earlier value, new {n:.4f}")
            row["ok"] = True
        else:
            worse = (o - n) if higher_better else (n - o)
            row["ok"] = worse <= limit
            sign = "<" if higher_better else ">"
            bound = f"-{limit}" if higher_better else f"+{limit}"
            text = f"{name.replace(': PR-AUC', '')}: PR-AUC" if "PR-AUC" in name else name
            if row["ok"]:
                notes.append(f"{text} {o:.4f} -> {n:.4f} ({n - o:+.4f})")
            else:
                problems.append(f"{text} {o:.4f} -> {n:.4f} ({n - o:+.4f} {sign} {bound})")
        table.append(row)
    if problems:
        return False, "refused: " + "; ".join(problems), table
    return True, "promoted: " + "; ".join(notes), table


def not_worse(old: dict[str, Any], new: dict[str, Any], labels: list[str], tolerance: float) -> tuple[bool, str]:
    """The gate with ``tolerance`` on overall PR-AUC and the default tolerances elsewhere."""
    from dataclasses import replace

    ok, reason, _ = gate(old, new, labels, replace(Tolerances(), pr_auc=tolerance))
    return ok, reason


MIN_HELDOUT = 30  # held-out rows below this say nothing about a model; the check is skipped


def heldout_metrics(project: Path, model_dir: Path, heldout: Path) -> dict[str, Any]:
    """Metrics of ``model_dir`` on the moderator-labelled held-out file (models' own scoring code)."""
    code = ("import json,sys; from pathlib import Path; from models.bundle import load_bundle; "
            "from models.inference import probabilities; from models.eval.metrics import breakdown; "
            "rows=[dict(json.loads(l), kind='moderator') for l in open(sys.argv[2], encoding='utf-8')]; "
            "b=load_bundle(Path(sys.argv[1])); p=probabilities(b,[r['text'] for r in rows]); "
            "print(json.dumps(breakdown(rows,p,tuple(b.labels),b.thresholds)))")
    proc = subprocess.run([sys.executable, "-c", code, str(model_dir), str(heldout)], cwd=project,
                          env=_env(project), text=True, capture_output=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"scoring the held-out set with {model_dir} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def reevaluate(project: Path, model_dir: Path) -> dict[str, Any]:
    """Metrics of ``model_dir`` on the project's current test split (same code as the evaluate stage)."""
    rel = os.path.relpath(model_dir, project / "artifacts")
    code = ("import json,sys; from models.eval.evaluate import evaluate; r = evaluate(sys.argv[1]); "
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


def retrain_params(project: Path) -> dict[str, Any]:
    """The ``retrain`` section of the project's ``params.yaml``: gate tolerances and moderator thresholds."""
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    section = (params or {}).get("retrain") or {}
    return dict(section) if isinstance(section, dict) else {}


@flow(name="retrain", log_prints=True)
def retrain_flow(project_dir: str | None = None, db_url: str | None = None,
                 tolerance: float | None = None, targets: list[str] | None = None,
                 force: bool = False, moderator_action: str = ModeratorPolicy.action) -> dict[str, Any]:
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


def _record(project: Path, db_url: str | None, outcome: str, old: str | None, new: str | None, reason: str,
            detail: dict[str, Any]) -> None:
    """Every gate decision to the registry's events and the audit log."""
    reg = load_registry(project)
    reg["events"].append({"at": now_iso(), "action": outcome, "from": old, "to": new, "reason": reason,
                          **{k: v for k, v in detail.items() if k in ("gate", "flagged_moderators", "new_labels")}})
    save_registry(project, reg)
    with session_scope(get_engine(db_url) if db_url else None) as session:
        record_event(session, f"model_{outcome}", "model", str(new or old),
                     {"previous": old, "reason": reason, **detail})


def _flagged(stats: list[ModeratorStats]) -> list[str]:
    return [f"{s.name} ({'; '.join(s.outlier)})" for s in stats if s.outlier]


def _restore_serving(project: Path, lock_backup: str | None, metrics_backup: dict[Path, bytes],
                     old_version: str | None) -> None:
    """Put ``dvc.lock``, the DVC outputs, ``metrics/`` and ``artifacts/model`` back as they were served."""
    if lock_backup is not None:
        (project / "dvc.lock").write_text(lock_backup, encoding="utf-8")
        try:
            dvc(project, "checkout", "--force")
        except RuntimeError as exc:  # outputs a failed stage never wrote are not in the cache
            print(f"dvc checkout after the failure: {str(exc)[-300:]}")
    for path, data in metrics_backup.items():  # metrics are not in the DVC cache (cache: false)
        path.write_bytes(data)
    if old_version is not None and served_version(project) != old_version:
        _copy_dir(project / REGISTRY / old_version, project / SERVED)


def _retrain(project: Path, db_url: str | None, tol: Tolerances, targets: list[str], force: bool,
             policy: ModeratorPolicy) -> RetrainResult:
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
    base: dict[str, Any] = {"labels_file": str(export.path), "new_labels": export.new_rows,
                            "heldout_rows": export.heldout_rows, "moderators": [asdict(s) for s in stats],
                            "agreement": agreement, "flagged_moderators": flagged}

    def restore_labels() -> LabelExport:
        """data/labels as the served model was trained on it, so a plain ``dvc repro`` reproduces it."""
        return write_label_files([d for d in decisions if d.decision_id <= cursor], labels_dir(project),
                                 quarantine, after_id=cursor)

    if export.new_rows == 0 and not force:
        reason = "no new moderator decisions since the last promoted model"
        print(reason)
        return RetrainResult("no_new_labels", reason, old_version, None, **base)
    if flagged and policy.action == "refuse":
        restore_labels()
        reason = "refused: moderator labels look unreliable: " + "; ".join(flagged)
        _record(project, db_url, "refused", old_version, None, reason,
                {"flagged_moderators": flagged, "new_labels": export.new_rows, "moderators": base["moderators"]})
        print(reason)
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
        print(reason)
        return RetrainResult("failed", reason, old_version, None, **base)
    dvc_diff = _dvc_metrics_diff(project)
    new_version = served_version(project)
    new_metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    if old_version is not None and (rows_fingerprint(test_file) != test_before or not old_metrics):
        print("no comparable metrics for the served model: re-evaluating it on the current test split")
        old_metrics = reevaluate(project, project / REGISTRY / old_version)
    if old_version is not None and export.heldout_rows >= MIN_HELDOUT:
        old_metrics = {**old_metrics, "heldout": heldout_metrics(project, project / REGISTRY / old_version,
                                                                 export.heldout_path)}
        new_metrics = {**new_metrics, "heldout": heldout_metrics(project, project / SERVED, export.heldout_path)}
    labels = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))["labels"]
    ok, reason, checks = gate(old_metrics, new_metrics, labels, tol)
    if flagged:
        reason += f" (moderators {policy.action}: {'; '.join(flagged)})"
    diff = metrics_diff(old_metrics, new_metrics)
    reg = load_registry(project)
    entry = {"version": new_version, "trained_at": now_iso(), "promoted_at": None, "status": "",
             "metrics": new_metrics, "reason": reason, "labels_file": str(export.path), "new_labels": export.new_rows,
             "labels_upto": export.last_decision_id, "previous": old_version, "gate": checks}
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
        existing = _entry(reg, str(new_version))
        if existing is not None:
            reg["versions"].remove(existing)
        reg["versions"].append(entry)
    save_registry(project, reg)
    _record(project, db_url, outcome, old_version, new_version, reason,
            {"new_labels": export.new_rows, "gate": checks, "flagged_moderators": flagged})
    result = RetrainResult(outcome, reason, old_version, new_version, metrics_diff=diff, dvc_metrics_diff=dvc_diff,
                           seconds=(datetime.now(UTC) - started).total_seconds(), gate=checks,
                           **base)
    print(f"{outcome}: {reason}")
    return result
