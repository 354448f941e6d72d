"""The model registry: every version seen, which one serves, and the copies that make rollback one step.

``artifacts/registry/registry.json`` lists every version (trained_at, promoted_at, metrics,
status), the moderators' label cursor (the last decision id a promoted model was trained on) and
the quarantine; ``artifacts/registry/<version>/`` keeps a copy of each promoted bundle. Scores carry
``model_version``; the registry says which model that was and when it served. It lives in
``models`` because it is about model bundles and nothing else: plain files, no database, no torch,
so the CLI and the retraining flow (``flows.retrain``) share one implementation and one lock.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from store.paths import CHECKOUT as PROJECT_ROOT

REGISTRY = Path("artifacts") / "registry"
SERVED = Path("artifacts") / "model"


def now_iso() -> str:
    """UTC now, seconds precision, for the registry."""
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def find_version(reg: dict[str, Any], version: str) -> dict[str, Any] | None:
    """The registry entry of ``version`` (None if the registry never saw it)."""
    return next((v for v in reg["versions"] if v["version"] == version), None)


def served_version(project: Path) -> str | None:
    """The version in ``artifacts/model`` (what ``chhmam score`` and the flows load)."""
    manifest = project / SERVED / "manifest.json"
    if not manifest.exists():
        return None
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


def replace_dir(src: Path, dst: Path) -> None:
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
    if find_version(reg, version) is None:
        reg["versions"].append(
            {
                "version": version,
                "trained_at": None,
                "promoted_at": now_iso(),
                "status": "promoted",
                "metrics": metrics or {},
                "reason": "served before the registry",
            }
        )
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
    replace_dir(src, project / SERVED)
    entry = find_version(reg, str(current))
    if entry is not None:
        entry["status"] = "rolled_back"
        entry["rolled_back_at"] = now_iso()
    reg["current"] = target
    reg["events"].append({"at": now_iso(), "action": "rollback", "from": current, "to": target})
    save_registry(project, reg)
    return {"from": str(current), "to": target}


def set_quarantine(
    project: Path, moderators: list[str] | None = None, ranges: list[list[int]] | None = None, release: bool = False
) -> dict[str, Any]:
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
        reg["events"].append(
            {
                "at": now_iso(),
                "action": "quarantine_released" if release else "quarantined",
                "moderators": moderators or [],
                "ranges": ranges or [],
            }
        )
        save_registry(project, reg)
        return dict(q)


def served_metrics_file(project: Path) -> Path:
    """``metrics/<serve.model>.json``: the metrics of the model ``publish`` copies to ``artifacts/model``."""
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    return project / "metrics" / f"{params.get('serve', {}).get('model', 'baseline')}.json"
