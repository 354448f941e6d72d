"""A model bundle on disk: the fitted scorer, its thresholds and a content-derived version id.

Why a content hash as version: two trainings that produce the same bytes are the same model, and a
score row's ``model_version`` then names exactly the file that produced it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import joblib
import numpy as np
from numpy.typing import NDArray

MANIFEST = "manifest.json"
WEIGHTS = "model.joblib"


class Scorer(Protocol):
    """What every published model is: the baseline, the ONNX transformer and the cascade alike.

    Why one protocol: the engine, evaluation and the release never ask which model they hold, only
    for calibrated probabilities of normalised texts, shape (texts, labels), in the bundle's label order.
    """

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probability per label of each normalised text."""
        ...


@dataclass
class Bundle:
    """What inference needs: the estimator object, labels, thresholds and the version id."""

    kind: str
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    model: Scorer
    version: str = ""
    extra: dict[str, Any] | None = None


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_bundle(bundle: Bundle, out_dir: Path) -> str:
    """Write weights and manifest to ``out_dir``; returns the version id."""
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle.model, out_dir / WEIGHTS, compress=3)
    version = f"{bundle.kind}-{file_digest(out_dir / WEIGHTS)[:12]}"
    manifest = {
        "kind": bundle.kind,
        "labels": list(bundle.labels),
        "thresholds": bundle.thresholds,
        "version": version,
        "extra": bundle.extra or {},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    bundle.version = version
    return version


def read_manifest(model_dir: Path) -> dict[str, Any]:
    """The manifest of the bundle in ``model_dir``."""
    manifest: dict[str, Any] = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def load_bundle(model_dir: Path) -> Bundle:
    """Load a bundle written by ``save_bundle``."""
    m = read_manifest(model_dir)
    return Bundle(
        kind=m["kind"],
        labels=tuple(m["labels"]),
        thresholds=dict(m["thresholds"]),
        model=joblib.load(model_dir / WEIGHTS),
        version=m["version"],
        extra=m.get("extra"),
    )
