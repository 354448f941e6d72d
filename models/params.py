"""Reading ``params.yaml``: the single place ML settings come from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_params(path: Path | None = None) -> dict[str, Any]:
    """The parsed ``params.yaml`` (project root by default)."""
    with open(path or PROJECT_ROOT / "params.yaml", encoding="utf-8") as fh:
        params: dict[str, Any] = yaml.safe_load(fh)
    return params
