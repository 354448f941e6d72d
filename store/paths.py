"""Where a running service finds its files: named paths inside the source checkout.

It sits in ``store`` (the bottom layer) so every service package may import it. The ML stages do
not use it: they run on a copy of ``models/`` and ``features/`` alone (a retraining workspace, the
tests' tiny pipeline), resolve their own project root, and name their paths in ``models.params``.
The two agree on the paths both use (``data/labels``, ``artifacts/model``); a test checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServiceLayout:
    """The files and folders the services read and write, under one root."""

    root: Path

    @property
    def var(self) -> Path:
        """Local, unversioned state: database, caches, keys."""
        return self.root / "var"

    @property
    def exports(self) -> Path:
        """The ministry exports (git-ignored)."""
        return self.root / "exports"

    @property
    def served_model(self) -> Path:
        """The published model bundle the services load."""
        return self.root / "artifacts" / "model"

    @property
    def labels(self) -> Path:
        """Reviewers' decisions exported as training labels (the data stage reads them)."""
        return self.root / "data" / "labels"

    @property
    def sample_partners(self) -> Path:
        """The demo's partner feed definitions."""
        return self.root / "data" / "sample" / "partners.yaml"

    @property
    def network_allow_list(self) -> Path:
        """Public hotlines and help desks that never link posts into one network."""
        return self.root / "data" / "networks" / "allow_list.yaml"

    @property
    def gazetteer(self) -> Path:
        """Province names and their spellings, for the reports' geography."""
        return self.root / "data" / "gazetteer" / "provinces.yaml"


SOURCE = ServiceLayout(CHECKOUT)


def khmer_font_path() -> Path:
    """The Noto Sans Khmer TTF from the ``fontpkg-noto-sans-khmer`` package (web app, evidence PDF, reports).

    A Python package rather than a system font, so Khmer is shaped the same on every machine; imported
    on first use because only the renderers need it.
    """
    import fontpkg

    return Path(fontpkg.path("noto-sans-khmer"))
