"""How often a model flags real benign text (khPOS news, SMS, Cambodian job ads) at its thresholds.

Run ``python -m models.eval.flag_rates transformer 5`` to list a model's highest-scored real texts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models.bundle import load_bundle
from models.data.real_text import real_benign
from models.inference import probabilities
from models.params import ARTIFACTS


def flag_rates(probs: NDArray[np.float64], labels: Sequence[str], thresholds: dict[str, float]) -> dict[str, Any]:
    """Posts scored and the share flagged per label and for any label, at the model's thresholds."""
    over = np.stack([probs[:, j] >= thresholds[lb] for j, lb in enumerate(labels)], axis=1)
    rates = {lb: round(float(over[:, j].mean()), 5) for j, lb in enumerate(labels)}
    return {"posts": len(probs), "flag_rate": {**rates, "any": round(float(over.any(axis=1).mean()), 5)}}


def main(model_name: str = "transformer", show: str = "5") -> None:
    """Print a model's flag rates on the real benign text and its highest-scored texts per label."""
    bundle = load_bundle(ARTIFACTS / model_name)
    for source, texts in real_benign().items():
        probs = probabilities(bundle, texts)
        print(source, flag_rates(probs, bundle.labels, bundle.thresholds))
        for j, lb in enumerate(bundle.labels):
            for i in np.argsort(-probs[:, j])[: int(show)]:
                print(f"  {lb} {probs[i, j]:.3f} (threshold {bundle.thresholds[lb]:.3f}) {texts[i][:100]!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
