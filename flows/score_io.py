"""The ``chhmam score`` contract: JSONL in, one JSON object out per input line, in order.

Each input line is ``{"id": ..., "text": ...}`` (other fields ignored). Each output line is
``{"id", "lang", "scores": {label: p}, "flagged": [...]}``, or ``{"line": n, "error": "..."}`` when
the line is not valid UTF-8, not JSON, not an object, or has no string ``text``. A bad line never
stops the run and never disappears: output line n always answers input line n.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from models.inference import ScoredPost, ScoringEngine

Parsed = tuple[Any, str] | str  # (id, text) or an error message


def parse_line(raw: bytes) -> Parsed:
    """(id, text) from one input line, or the reason it cannot be scored."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    except RecursionError:
        return "invalid JSON: nested too deeply"
    if not isinstance(obj, dict):
        return "not a JSON object"
    if "text" not in obj:
        return "missing field 'text'"
    text = obj["text"]
    if not isinstance(text, str):
        return "field 'text' is not a string"
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "field 'text' contains lone surrogates"
    return obj.get("id"), text


def result_object(post_id: Any, res: ScoredPost) -> dict[str, Any]:
    """The output object for a scored line."""
    return {"id": post_id, "lang": res.lang, "scores": res.scores, "flagged": res.flagged}


def score_lines(lines: Iterable[bytes], engine: ScoringEngine, chunk: int = 512) -> Iterator[dict[str, Any]]:
    """Output objects for ``lines``, in order, scoring ``chunk`` lines at a time."""
    buf: list[tuple[int, Parsed]] = []

    def flush() -> Iterator[dict[str, Any]]:
        good = [(n, p) for n, p in buf if isinstance(p, tuple)]
        results = iter(engine.score_texts([p[1] for _, p in good]))
        for n, p in buf:
            yield result_object(p[0], next(results)) if isinstance(p, tuple) else {"line": n, "error": p}
        buf.clear()

    for n, raw in enumerate(lines, start=1):
        buf.append((n, parse_line(raw.rstrip(b"\r\n"))))
        if len(buf) >= chunk:
            yield from flush()
    yield from flush()


def run(src: BinaryIO, dst: BinaryIO, engine: ScoringEngine, on_line: Callable[[int], None] | None = None) -> int:
    """Score ``src`` into ``dst``; returns the number of lines written."""

    def counted() -> Iterator[bytes]:
        for raw in src:
            if on_line:
                on_line(len(raw))
            yield raw

    n = 0
    for obj in score_lines(counted(), engine):
        dst.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    dst.flush()
    return n
