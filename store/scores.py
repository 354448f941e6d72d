"""Scores: one row per (post, label, model version), so every score says which model produced it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from store.schema import Score
from store.upsert import insert_ignore

SCORES = cast(Table, Score.__table__)


def save_scores(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert score rows (post_id, label, model_version, probability, threshold, flagged, indicators).

    Re-scoring the same post with the same model version is a no-op, so a rerun flow is harmless.
    """
    chunk = 500
    for start in range(0, len(rows), chunk):
        insert_ignore(session, SCORES, rows[start : start + chunk], ["post_id", "label", "model_version"])


def flagged_counts(session: Session, model_version: str | None = None) -> dict[str, int]:
    """How many posts each label flagged (for one model version, or all)."""
    stmt = select(Score.label, func.count(Score.id)).where(Score.flagged.is_(True)).group_by(Score.label)
    if model_version:
        stmt = stmt.where(Score.model_version == model_version)
    return {label: int(n) for label, n in session.execute(stmt)}
