"""Where files sit in the project: one layout, two roots.

It sits in ``store`` (the bottom layer) so every package may import it.

* ``CHECKOUT`` is the source checkout this code runs from: what a running service uses (its
  ``var/`` state, the served model, the reviewers' label files, the gazetteer, the demo feeds).
* The ML stages work on *a* project that may be a copy of the checkout (a retraining workspace,
  the tests' tiny pipeline); ``models.params`` resolves that root and builds the same
  ``Layout`` on it, so a relative path such as ``data/generated`` is spelled in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layout:
    """The named folders and files inside one copy of the project."""

    root: Path

    @property
    def data(self) -> Path:
        """Versioned inputs (DVC-tracked or small files in git)."""
        return self.root / "data"

    @property
    def generated(self) -> Path:
        """The synthetic train/val/test splits the data stage writes."""
        return self.data / "generated"

    @property
    def probe(self) -> Path:
        """The hand-written probe set every model is also scored on."""
        return self.data / "probe" / "probe.jsonl"

    @property
    def real(self) -> Path:
        """Real benign text written by others (with licences)."""
        return self.data / "real"

    @property
    def labels(self) -> Path:
        """Reviewers' decisions exported as training labels."""
        return self.data / "labels"

    @property
    def sample_partners(self) -> Path:
        """The demo's partner feed definitions."""
        return self.data / "sample" / "partners.yaml"

    @property
    def gazetteer(self) -> Path:
        """Province names and their spellings, for the reports' geography."""
        return self.data / "gazetteer" / "provinces.yaml"

    @property
    def artifacts(self) -> Path:
        """Trained models (DVC outputs)."""
        return self.root / "artifacts"

    @property
    def served_model(self) -> Path:
        """The published bundle the services load."""
        return self.artifacts / "model"

    @property
    def metrics(self) -> Path:
        """Evaluation results (DVC metrics)."""
        return self.root / "metrics"

    @property
    def release(self) -> Path:
        """The packed release a fresh clone assembles ``artifacts/model`` from."""
        return self.root / "release"

    @property
    def var(self) -> Path:
        """Local, unversioned state: database, caches, keys."""
        return self.root / "var"

    @property
    def exports(self) -> Path:
        """The ministry exports (git-ignored)."""
        return self.root / "exports"


SOURCE = Layout(CHECKOUT)
