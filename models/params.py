"""Reading ``params.yaml`` and naming the ML project's paths: the single place ML settings come from.

The stages run on a copy of ``models/`` and ``features/`` alone, so this module reads its one
environment variable, ``CHHMAM_ML_ROOT``, itself rather than through the services' ``store.settings``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def _project_root() -> Path:
    """The ML project the stages read and write.

    ``CHHMAM_ML_ROOT`` when set; else the current directory when it holds ``dvc.yaml`` and
    ``params.yaml`` (DVC runs every stage from the project root, so a copy of the project, such as
    the CI's tiny pipeline or a retraining workspace, reads and writes its own files); else the
    source checkout this package lives in.
    """
    env = os.environ.get("CHHMAM_ML_ROOT")
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "dvc.yaml").exists() and (cwd / "params.yaml").exists():
        return cwd.resolve()
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class MLLayout:
    """The files and folders of one ML project (the checkout or a copy of it); dvc.yaml names the same."""

    root: Path

    @property
    def data(self) -> Path:
        """Versioned inputs."""
        return self.root / "data"

    @property
    def generated(self) -> Path:
        """The train/val/test splits the data stage writes."""
        return self.data / "generated"

    @property
    def probe(self) -> Path:
        """The hand-written probe set every model is also scored on."""
        return self.data / "probe" / "probe.jsonl"

    @property
    def blind(self) -> Path:
        """The second hand-written set, frozen before any model scored it; for reporting only, never tuning."""
        return self.data / "blind" / "blind.jsonl"

    @property
    def real(self) -> Path:
        """Real benign text written by others (with licences)."""
        return self.data / "real"

    @property
    def labels(self) -> Path:
        """Reviewers' decisions exported as training labels."""
        return self.data / "labels"

    @property
    def artifacts(self) -> Path:
        """Trained models (DVC outputs)."""
        return self.root / "artifacts"

    @property
    def served_model(self) -> Path:
        """The published bundle (the ``publish`` stage's output)."""
        return self.artifacts / "model"

    @property
    def metrics(self) -> Path:
        """Evaluation results (DVC metrics)."""
        return self.root / "metrics"

    @property
    def release(self) -> Path:
        """The packed release a fresh clone assembles ``artifacts/model`` from."""
        return self.root / "release"


PROJECT_ROOT = _project_root()
ML = MLLayout(PROJECT_ROOT)
GENERATED = ML.generated
PROBE = ML.probe
BLIND = ML.blind
ARTIFACTS = ML.artifacts
METRICS = ML.metrics


def load_params(path: Path | None = None) -> dict[str, Any]:
    """The parsed ``params.yaml`` (project root by default)."""
    with open(path or PROJECT_ROOT / "params.yaml", encoding="utf-8") as fh:
        params: dict[str, Any] = yaml.safe_load(fh)
    return params


@lru_cache(maxsize=1)
def labels() -> tuple[str, ...]:
    """The labels the system is defined over, in score order: ``params.yaml``'s ``labels``.

    Training reads them from here, and so do the services whose output becomes training data or a
    published schema (reviewers' decisions, the weekly report's columns). What a served model
    scores is the label list in its own bundle manifest.
    """
    return tuple(load_params()["labels"])
