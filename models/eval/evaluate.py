"""DVC stage ``evaluate``: score the test split and the hand-written probe and blind sets with any model bundle.

``python -m models.stage evaluate NAME`` loads ``artifacts/NAME`` through ``models.bundle.load_bundle``
and calls ``bundle.model.predict_proba(normalised_texts)``: any model kind that keeps that interface
(the baseline, the transformer) is scored the same way, so the model card can put them side by side.

Why three sets: the test split holds families the model never saw, but they were still written by the
same hands as the training families; ``data/probe/probe.jsonl`` was written separately, by hand, in
another style, and is never trained on, but many recipes were compared on it; ``data/blind/blind.jsonl``
was written in the registers the generator does not produce and frozen before any model scored it,
and is only ever reported, never used to choose anything. Neither
holds much ordinary text, so each model also scores real benign text no split holds
(``models/data/real_text.py``: English SMS between adults, Khmer prose) and reports how much it flags.

Writes ``metrics/NAME.json`` (DVC metrics: per label x language, false-flag rates per hard-negative
kind, for test, probe and blind; flag rates on the real text), ``metrics/NAME_families.json`` (per-family
results on the test split) and ``metrics/plots/pr_NAME_<label>.csv`` (precision-recall curves, DVC plots).
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score, precision_recall_curve

from models.bundle import Bundle, load_bundle
from models.cascade import CascadeScorer
from models.data.real_text import POSTS, real_benign
from models.data.splits import label_matrix
from models.eval.bootstrap import against_better
from models.eval.flag_rates import flag_rates
from models.eval.metrics import breakdown
from models.eval.stages import scoring_inputs
from models.inference import probabilities
from models.jsonl import read_jsonl
from models.params import ARTIFACTS, BLIND, GENERATED, METRICS, PROBE
from models.progress import progress

log = logging.getLogger("chhmam.models")

DATA = GENERATED
PLOT_POINTS = 200


def per_family(
    rows: list[dict[str, Any]], probs: NDArray[np.float64], labels: tuple[str, ...], thresholds: dict[str, float]
) -> dict[str, Any]:
    """For each family: size, mean score and flag rate per label; for positive families also the
    PR-AUC of that family's posts against every negative of the set (can the model find *this* voice?)."""
    y = label_matrix(rows, labels)
    negatives = y.sum(axis=1) == 0
    fams = np.array([str(r.get("family", "")) for r in rows])
    out: dict[str, Any] = {}
    for fam in sorted(set(fams.tolist())):
        mask = fams == fam
        first = rows[int(np.argmax(mask))]
        langs = Counter(str(rows[i].get("lang", "")) for i in np.nonzero(mask)[0])
        entry: dict[str, Any] = {
            "n": int(mask.sum()),
            "kind": first.get("kind", ""),
            "lang": langs.most_common(1)[0][0],
            "labels": list(first["labels"]),
        }
        for j, lb in enumerate(labels):
            entry[f"{lb}_mean"] = round(float(probs[mask, j].mean()), 4)
            entry[f"{lb}_flag_rate"] = round(float((probs[mask, j] >= thresholds[lb]).mean()), 4)
            if lb in first["labels"] and negatives.any():
                both = mask | negatives
                entry[f"{lb}_pr_auc_vs_negatives"] = round(
                    float(average_precision_score(y[both, j], probs[both, j])), 4
                )
        out[fam] = entry
    return out


def pr_curve_rows(y: NDArray[np.int_], p: NDArray[np.float64]) -> list[dict[str, float]]:
    """At most ``PLOT_POINTS`` (recall, precision, threshold) points of the PR curve."""
    if y.sum() == 0:
        return []
    precision, recall, thr = precision_recall_curve(y, p)
    idx = np.unique(np.linspace(0, len(thr) - 1, min(PLOT_POINTS, len(thr))).astype(int))
    return [
        {
            "recall": round(float(recall[i]), 4),
            "precision": round(float(precision[i]), 4),
            "threshold": round(float(thr[i]), 4),
        }
        for i in idx
    ]


def score_rows(model_dir: Path, rows: list[dict[str, Any]]) -> NDArray[np.float64]:
    """Calibrated probabilities of ``rows`` from the bundle in ``model_dir``."""
    return probabilities(load_bundle(model_dir), [r["text"] for r in rows])


def scored_set(bundle: Bundle, rows: list[dict[str, Any]]) -> tuple[NDArray[np.float64], dict[str, Any] | None]:
    """Calibrated probabilities of ``rows``; for a cascade also each cell's comparison with its better stage.

    A cascade's posts go through each stage once (``CascadeScorer.score_stages``): its combined column
    is what the engine serves, and the two stages are the very models inside it, so one pass gives the
    cascade's metrics and the bootstrap interval of its gap to the better stage (``bootstrap``).
    """
    if not isinstance(bundle.model, CascadeScorer):
        return probabilities(bundle, [r["text"] for r in rows]), None
    first, second, combined, _ = bundle.model.score_stages(*scoring_inputs(rows))
    stages = {"baseline": first, "transformer": second, "cascade": combined}
    return combined, against_better(rows, stages, bundle.labels)


def evaluate(
    model_name: str,
    *,
    artifacts: Path | None = None,
    data: Path | None = None,
    probe: Path | None = None,
    blind: Path | None = None,
    real_text_posts: int = POSTS,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[dict[str, float]]]]:
    """(metrics, per-family results, PR curves) of ``artifacts/<model_name>``."""
    model_dir = (artifacts or ARTIFACTS) / model_name
    bundle = load_bundle(model_dir)
    test_rows = list(read_jsonl((data or DATA) / "test.jsonl"))
    hand_written = {
        name: list(read_jsonl(path))
        for name, path in (("probe", probe or PROBE), ("blind", blind or BLIND))
        if path.exists()
    }
    real = real_benign(real_text_posts, data or DATA)
    total = len(test_rows) + sum(map(len, hand_written.values())) + sum(len(texts) for texts in real.values())
    with progress(f"evaluating {model_name}", total) as advance:
        probs, against = scored_set(bundle, test_rows)
        advance(len(test_rows), note="test split")
        metrics: dict[str, Any] = {
            "model": model_name,
            "model_version": bundle.version,
            "thresholds": {k: round(v, 4) for k, v in bundle.thresholds.items()},
            **breakdown(test_rows, probs, bundle.labels, bundle.thresholds),
            **({"against_better": against} if against is not None else {}),
        }
        for name, rows in hand_written.items():
            set_probs, set_against = scored_set(bundle, rows)
            metrics[name] = breakdown(rows, set_probs, bundle.labels, bundle.thresholds)
            if set_against is not None:
                metrics[name]["against_better"] = set_against
            advance(len(rows), note=f"{name} set")
        metrics["real_text"] = {}
        for source, texts in real.items():
            metrics["real_text"][source] = flag_rates(probabilities(bundle, texts), bundle.labels, bundle.thresholds)
            advance(len(texts), note=source)
    families = per_family(test_rows, probs, bundle.labels, bundle.thresholds)
    y = label_matrix(test_rows, bundle.labels)
    curves = {lb: pr_curve_rows(y[:, j], probs[:, j]) for j, lb in enumerate(bundle.labels)}
    return metrics, families, curves


def write_outputs(
    model_name: str,
    metrics: dict[str, Any],
    families: dict[str, Any],
    curves: dict[str, list[dict[str, float]]],
    out: Path | None = None,
) -> None:
    """``metrics/NAME.json``, ``metrics/NAME_families.json``, ``metrics/plots/pr_NAME_<label>.csv``."""
    out = out or METRICS
    (out / "plots").mkdir(parents=True, exist_ok=True)
    (out / f"{model_name}.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    (out / f"{model_name}_families.json").write_text(json.dumps(families, indent=2), encoding="utf-8")
    for lb, points in curves.items():
        with open(out / "plots" / f"pr_{model_name}_{lb}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["recall", "precision", "threshold"])
            writer.writeheader()
            writer.writerows(points)


def main(model_name: str = "baseline") -> None:
    """Evaluate ``artifacts/<model_name>`` and write its metrics, per-family results and PR curves."""
    metrics, families, curves = evaluate(model_name)
    write_outputs(model_name, metrics, families, curves)
    summary = {
        split: {
            lb: {k: v.get("overall", {}).get(k) for k in ("pr_auc", "recall_at_p90")}
            for lb, v in src.items()
            if isinstance(v, dict) and "overall" in v
        }
        for split, src in (("test", metrics), ("probe", metrics.get("probe", {})), ("blind", metrics.get("blind", {})))
    }
    log.info("evaluated %s %s", model_name, json.dumps(summary))


if __name__ == "__main__":
    from models.logs import configure

    configure(level=logging.INFO)
    main(*sys.argv[1:])
