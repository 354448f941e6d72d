"""DVC stage ``evaluate``: score the test split and write ``metrics/<model>.json``."""

from __future__ import annotations

import json

from features.featurise import featurise
from models.bundle import load_bundle
from models.jsonl import read_jsonl
from models.metrics import breakdown
from models.params import PROJECT_ROOT

DATA = PROJECT_ROOT / "data" / "generated"
METRICS = PROJECT_ROOT / "metrics"


def evaluate(model_name: str) -> dict[str, object]:
    """Metrics of ``artifacts/<model_name>`` on the test split."""
    bundle = load_bundle(PROJECT_ROOT / "artifacts" / model_name)
    rows = list(read_jsonl(DATA / "test.jsonl"))
    probs = bundle.model.predict_proba([featurise(r["text"]).normalised for r in rows])
    return {"model_version": bundle.version, **breakdown(rows, probs, bundle.labels, bundle.thresholds)}


def main() -> None:
    """Evaluate the baseline and write its metrics file."""
    METRICS.mkdir(exist_ok=True)
    metrics = evaluate("baseline")
    (METRICS / "baseline.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    print(json.dumps({lb: metrics[lb]["overall"] for lb in ("grooming", "trafficking_ad")}, indent=1))  # type: ignore[index]

