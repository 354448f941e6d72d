"""Drop-folder connector: partners leave JSONL files in a folder; each file is read once.

The cursor is the name of the last file fully read (files are taken in name order), so a rerun
resumes after it; records are idempotent on (source, external_id) anyway, so re-reading a file
after a crash stores nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from feeds.base import Batch
from feeds.records import PostRecord


def _reason(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())


def parse_line(source: str, raw: bytes, mapping: dict[str, str] | None = None) -> PostRecord | tuple[str, str]:
    """A record, or (raw text, reason) when the line is not a valid post."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace"), f"invalid UTF-8: {exc.reason} at byte {exc.start}"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return text, f"invalid JSON: {exc.msg}"
    if not isinstance(obj, dict):
        return text, "not a JSON object"
    fields: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    names = mapping or {}
    known = set(PostRecord.model_fields) - {"source", "extras"}
    for key, value in obj.items():
        target = str(names.get(key, key))
        (fields if target in known else extras)[target] = value
    try:
        return PostRecord(source=source, extras=extras, **fields)
    except ValidationError as exc:
        return text, _reason(exc)
    except TypeError as exc:
        return text, str(exc)


def read_dropfolder(source: str, folder: Path, cursor: str | None, batch_size: int = 5000,
                    mapping: dict[str, str] | None = None) -> Iterator[Batch]:
    """Yield batches from the ``*.jsonl`` files after ``cursor``, one file's end closing a batch."""
    for path in sorted(folder.glob("*.jsonl")):
        if cursor is not None and path.name <= cursor:
            continue
        batch = Batch()
        with open(path, "rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                parsed = parse_line(source, raw.rstrip(b"\r\n"), mapping)
                (batch.records if isinstance(parsed, PostRecord) else batch.rejects).append(parsed)  # type: ignore[arg-type]
                if len(batch.records) + len(batch.rejects) >= batch_size:
                    yield batch  # mid-file batch: cursor stays where it was
                    batch = Batch()
        batch.cursor = path.name
        yield batch
