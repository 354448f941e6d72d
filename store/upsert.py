"""Dialect-aware ``INSERT … ON CONFLICT DO NOTHING``.

Idempotent ingestion rests on this: re-running a batch inserts only what is new, on SQLite and on
PostgreSQL alike, without a read-then-write race.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

MAX_PARAMS = 30_000  # below SQLite's 32,766 bound parameters per statement (PostgreSQL allows 65,535)


def insert_ignore(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict_cols: Sequence[str],
    returning: str | None = None,
) -> list[Any]:
    """Insert ``rows``, skipping those that clash on ``conflict_cols``.

    Returns the ``returning`` column of the rows actually inserted (empty list when not asked).
    Rows go in chunks small enough for either database's limit on bound parameters.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    mod: Any = postgresql if dialect == "postgresql" else sqlite
    chunk = max(1, MAX_PARAMS // max(1, len(rows[0])))
    out: list[Any] = []
    for start in range(0, len(rows), chunk):
        part = list(rows[start : start + chunk])
        stmt = mod.insert(table).values(part).on_conflict_do_nothing(index_elements=list(conflict_cols))
        if returning is None:
            session.execute(stmt)
            continue
        out.extend(r[0] for r in session.execute(stmt.returning(table.c[returning])))
    return out
