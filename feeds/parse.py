"""Turning one raw item from any connector into a validated ``PostRecord`` or a reject.

Every connector (drop folder, HTTP API, RSS) funnels its items through here, so that one partner's
garbage is judged by the same rules as another's and a reject always carries a human-readable
reason. Nothing here raises on bad input: a malformed item becomes ``Reject`` and the run goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from feeds.records import PostRecord

log = logging.getLogger("chhmam.feeds")

Reject = tuple[str, str]
"""(raw payload as text, reason): what goes to the quarantine table."""

KNOWN_FIELDS = frozenset(PostRecord.model_fields) - {"source", "extras"}
RAW_PREVIEW = 4000


def validation_reason(err: ValidationError) -> str:
    """One line naming each bad field and why (pydantic's messages, without the input echo)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in err.errors())


def _lookup(obj: Mapping[str, Any], dotted: str) -> tuple[bool, Any]:
    """Follow ``a.b.c`` into nested objects (partners nest the author under ``user`` and so on)."""
    cur: Any = obj
    for part in dotted.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def safe_dumps(obj: Any) -> str:
    """JSON text of ``obj`` for quarantine, never failing (non-JSON values become their repr)."""
    try:
        return json.dumps(obj, ensure_ascii=False, default=repr)[:RAW_PREVIEW]
    except (ValueError, TypeError, RecursionError):
        return repr(obj)[:RAW_PREVIEW]


def parse_object(source: str, obj: Any, mapping: Mapping[str, str] | None = None,
                 raw: str | None = None, empty_is_none: bool = False) -> PostRecord | Reject:
    """Validate one decoded item.

    ``mapping`` renames partner fields (dotted paths allowed) to ``PostRecord`` fields; unknown
    fields are kept in ``extras``. ``empty_is_none`` turns empty strings into missing values (CSV
    has no null). ``raw`` is the original text kept for quarantine (default: ``obj`` re-encoded).
    """
    if not isinstance(obj, Mapping):
        return (raw if raw is not None else safe_dumps(obj)), f"not a JSON object ({type(obj).__name__})"
    fields: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    names = dict(mapping or {})
    consumed: set[str] = set()
    for src_name, target in names.items():
        if "." in src_name:
            found, value = _lookup(obj, src_name)
            if found and target in KNOWN_FIELDS:
                fields[target] = value
                consumed.add(src_name.split(".", 1)[0])
    for key, value in obj.items():
        key_s = str(key)
        if key_s in consumed:
            continue
        target = str(names.get(key_s, key_s))
        if target in KNOWN_FIELDS and target not in fields:
            fields[target] = value
        else:
            extras[key_s] = value
    if empty_is_none:
        fields = {k: (None if v == "" else v) for k, v in fields.items()}
    try:
        return PostRecord(source=source, extras=extras, **fields)
    except ValidationError as exc:
        return (raw if raw is not None else safe_dumps(obj)), validation_reason(exc)
    except (TypeError, ValueError, RecursionError) as exc:  # e.g. a key that is not a str
        return (raw if raw is not None else safe_dumps(obj)), f"{type(exc).__name__}: {exc}"


def parse_json_line(source: str, raw: bytes, mapping: Mapping[str, str] | None = None) -> PostRecord | Reject:
    """A record, or (raw text, reason) when the line is not a valid post (bad UTF-8, JSON, fields)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace")[:RAW_PREVIEW], f"invalid UTF-8: {exc.reason} at byte {exc.start}"
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        return text[:RAW_PREVIEW], f"invalid JSON: {msg}"
    return parse_object(source, obj, mapping, raw=text[:RAW_PREVIEW])


def log_reject(source: str, reason: str, where: str) -> None:
    """The one log line per failure that operators grep for."""
    log.warning("quarantined record from %s (%s): %s", source, where, reason[:300])
