"""The promotion rule: when a retrained model may replace the served one ("not worse").

For every label, the candidate's PR-AUC on the fixed test split may be at most a tolerance below
the served model's, overall and per language, on the probe set and on the moderator-labelled
held-out set; false-flag rates on real benign text may rise by at most a tolerance. PR-AUC is the
figure the team tracks because positives are rare; small tolerances absorb retraining noise
without letting a real regression through. The rule is ML judgement, so it lives with the models;
``flows.retrain`` only gathers the metrics and acts on the verdict.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TOLERANCE = 0.005

MIN_HELDOUT = 30  # held-out rows below this say nothing about a model; the check is skipped


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


def gate_checks(
    old: dict[str, Any], new: dict[str, Any], labels: list[str], tol: Tolerances
) -> list[tuple[str, tuple[str, ...], float, bool]]:
    """(name, metric path, tolerance, higher is better) of every check the gate runs."""
    checks: list[tuple[str, tuple[str, ...], float, bool]] = []
    for lb in labels:
        checks.append((f"{lb}: PR-AUC", (lb, "overall", "pr_auc"), tol.pr_auc, True))
        checks += [(f"{lb} {lang}: PR-AUC", (lb, lang, "pr_auc"), tol.pr_auc_language, True) for lang in LANGUAGES]
        checks.append((f"probe {lb}: PR-AUC", ("probe", lb, "overall", "pr_auc"), tol.probe, True))
        checks.append(
            (f"held-out moderator labels {lb}: PR-AUC", ("heldout", lb, "overall", "pr_auc"), tol.heldout, True)
        )
    for source in sorted({*(old.get("real_text") or {}), *(new.get("real_text") or {})}):
        checks.append(
            (
                f"real benign text {source}: false-flag rate",
                ("real_text", source, "flag_rate", "any"),
                tol.false_flag,
                False,
            )
        )
    checks.append(
        (
            "held-out dismissed posts: false-flag rate",
            ("heldout", "false_flag_rate", "moderator"),
            tol.false_flag,
            False,
        )
    )
    return checks


def gate(
    old: dict[str, Any], new: dict[str, Any], labels: list[str], tol: Tolerances = Tolerances()
) -> tuple[bool, str, list[dict[str, Any]]]:
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
    ok, reason, _ = gate(old, new, labels, replace(Tolerances(), pr_auc=tolerance))
    return ok, reason


def retrain_params(project: Path) -> dict[str, Any]:
    """The ``retrain`` section of the project's ``params.yaml``: gate tolerances and moderator thresholds."""
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    section = (params or {}).get("retrain") or {}
    return dict(section) if isinstance(section, dict) else {}
