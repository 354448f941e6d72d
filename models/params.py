"""Reading ``params.yaml``: the single place ML settings come from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from store.settings import Settings


def _project_root() -> Path:
    """The ML project the stages read and write.

    ``CHHMAM_ML_ROOT`` when set; else the current directory when it holds ``dvc.yaml`` and
    ``params.yaml`` (DVC runs every stage from the project root, so a copy of the project, such as
    the CI's tiny pipeline or a retraining workspace, reads and writes its own files); else the
    source checkout this package lives in.
    """
    env = Settings().ml_root  # not the cached settings: this runs at import, before tests set theirs
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "dvc.yaml").exists() and (cwd / "params.yaml").exists():
        return cwd.resolve()
    return Path(__file__).resolve().parent.parent


PROJECT_ROOT = _project_root()


def load_params(path: Path | None = None) -> dict[str, Any]:
    """The parsed ``params.yaml`` (project root by default)."""
    with open(path or PROJECT_ROOT / "params.yaml", encoding="utf-8") as fh:
        params: dict[str, Any] = yaml.safe_load(fh)
    return params
