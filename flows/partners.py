"""Partner feed configuration: one YAML file lists every partner and how to read it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field


class Partner(BaseModel):
    """One partner feed."""

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["dropfolder"]
    path: Path
    mapping: dict[str, str] = Field(default_factory=dict)
    schedule: str | None = None


def load_partners(path: Path) -> list[Partner]:
    """Partners from a YAML file ``{partners: [...]}``; relative paths are taken from the file's folder."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    partners = [Partner.model_validate(p) for p in data.get("partners", [])]
    for p in partners:
        if not p.path.is_absolute():
            p.path = (path.parent / p.path).resolve()
    return partners
