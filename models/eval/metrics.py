"""Evaluation metrics, broken down per label and per language (as detoxify does per language).

Why per language: a model can look good overall while failing Khmer or romanised posts, which are
the ones no other tool handles; the breakdown makes that visible.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

from models.data.splits import label_matrix


def recall_at_precision(y: NDArray[np.int_], p: NDArray[np.float64], target: float = 0.9) -> float:
    """Best recall among operating points with precision >= ``target``."""
    precision, recall, _ = precision_recall_curve(y, p)
    ok = recall[precision >= target]
    return float(ok.max()) if len(ok) else 0.0


def expected_calibration_error(y: NDArray[np.int_], p: NDArray[np.float64], bins: int = 10) -> float:
    """ECE over equal-width probability bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(float(p[mask].mean()) - float(y[mask].mean()))
    return float(ece)


def binary_metrics(y: NDArray[np.int_], p: NDArray[np.float64], threshold: float) -> dict[str, Any]:
    """PR-AUC, ROC-AUC, recall at precision 0.9, ECE, and precision/recall at ``threshold``."""
    out: dict[str, Any] = {"n": len(y), "positives": int(y.sum())}
    pred = p >= threshold
    tp = int((pred & (y == 1)).sum())
    out["precision"] = round(tp / max(int(pred.sum()), 1), 4)
    out["recall"] = round(tp / max(int(y.sum()), 1), 4) if y.sum() else None
    out["ece"] = round(expected_calibration_error(y, p), 4)
    if 0 < y.sum() < len(y):
        out["pr_auc"] = round(float(average_precision_score(y, p)), 4)
        out["roc_auc"] = round(float(roc_auc_score(y, p)), 4)
        out["recall_at_p90"] = round(recall_at_precision(y, p, 0.9), 4)
    return out


def breakdown(
    rows: list[dict[str, Any]], probs: NDArray[np.float64], labels: tuple[str, ...], thresholds: dict[str, float]
) -> dict[str, Any]:
    """Metrics per label overall and per language, and false-flag rates per negative kind."""
    y = label_matrix(rows, labels)
    langs = np.array([r.get("lang", "") for r in rows])
    kinds = np.array([r.get("kind", "") for r in rows])
    result: dict[str, Any] = {}
    for j, lb in enumerate(labels):
        per: dict[str, Any] = {"overall": binary_metrics(y[:, j], probs[:, j], thresholds[lb])}
        for lang in ("km", "en", "mixed"):
            mask = langs == lang
            if mask.any():
                per[lang] = binary_metrics(y[mask, j], probs[mask, j], thresholds[lb])
        result[lb] = per
    flagged_any = np.zeros(len(rows), dtype=bool)
    for j, lb in enumerate(labels):
        flagged_any |= probs[:, j] >= thresholds[lb]
    negatives = y.sum(axis=1) == 0
    result["false_flag_rate"] = {
        str(kind): round(float(flagged_any[negatives & (kinds == kind)].mean()), 4)
        for kind in sorted(set(kinds[negatives].tolist()))
    }
    return result
