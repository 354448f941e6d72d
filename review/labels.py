"""Moderators' decisions back to training: ``data/labels/review.jsonl`` for the models' data stage.

The file is rewritten whole from the database each time, so an undone decision disappears from it
and a rerun never duplicates lines. Confirmed → the labels confirmed; dismissed → ``[]``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy.orm import Session

from store import decisions
from store.settings import PROJECT_ROOT

LABELS_DIR = PROJECT_ROOT / "data" / "labels"


def export_labels(session: Session, out_dir: Path = LABELS_DIR) -> tuple[Path, int]:
    """Write every final confirm/dismiss decision; returns the file and the number of lines."""
    rows = decisions.exportable(session)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "review.jsonl"
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in ("text", "labels", "lang", "decision", "decided_at")},
                                ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path, len(rows)
