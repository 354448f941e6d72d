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

from feeds.base import Reject
from feeds.records import PostRecord, TooLargeNumber

log = logging.getLogger("chhmam.feeds")

KNOWN_FIELDS = frozenset(PostRecord.model_fields) - {"source", "extras"}


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
    """JSON text of ``obj`` for quarantine, never failing (non-JSON values become their repr).

    Lone surrogates are kept (the store keeps them byte for byte); a structure too deep for the
    encoder is kept as its type and size rather than raising again in ``repr``.
    """
    try:
        return json.dumps(obj, ensure_ascii=False, default=repr)
    except (ValueError, TypeError, RecursionError):
        try:
            return repr(obj)
        except RecursionError:
            return f"<{type(obj).__name__} nested too deeply to encode>"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _int(text: str) -> int | TooLargeNumber:
    try:
        return int(text)
    except ValueError:
        return TooLargeNumber(text)


def loads_lenient(data: str | bytes) -> Any:
    """Parse a whole API page: a huge integer or a NaN fails only its own record (at validation).

    Raises ``ValueError`` (also for nesting too deep for the parser): the page as a whole is unusable.
    """
    try:
        return json.loads(data, parse_int=_int)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` that refuses NaN/Infinity and reports every failure as ``ValueError``.

    Python's parser raises ``ValueError`` for an integer of more than 4,300 digits and
    ``RecursionError`` for deep nesting; both mean "not a record we can store".
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_int)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def parse_object(
    source: str, obj: Any, mapping: Mapping[str, str] | None = None, raw: str | None = None, empty_is_none: bool = False
) -> PostRecord | Reject:
    """Validate one decoded item.

    ``mapping`` renames partner fields (dotted paths allowed) to ``PostRecord`` fields; unknown
    fields are kept in ``extras``. ``empty_is_none`` turns empty strings into missing values (CSV
    has no null). ``raw`` is the original text kept for quarantine (default: ``obj`` re-encoded).
    """
    if not isinstance(obj, Mapping):
        return Reject(raw if raw is not None else safe_dumps(obj), f"not a JSON object ({type(obj).__name__})")
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
        return Reject(raw if raw is not None else safe_dumps(obj), validation_reason(exc))
    except (TypeError, ValueError, RecursionError, OverflowError) as exc:  # e.g. a key that is not a str
        return Reject(raw if raw is not None else safe_dumps(obj), f"{type(exc).__name__}: {str(exc)[:300]}")


def parse_json_line(source: str, raw: bytes, mapping: Mapping[str, str] | None = None) -> PostRecord | Reject:
    """A record, or a reject (raw bytes as received, reason) when the line is not a valid post."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Reject(raw, f"invalid UTF-8: {exc.reason} at byte {exc.start}")
    try:
        obj = loads_strict(text)
    except ValueError as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)[:200]
        return Reject(raw, f"invalid JSON: {msg}")
    result = parse_object(source, obj, mapping, raw=text)
    return result if isinstance(result, PostRecord) else result._replace(raw=raw)


def log_reject(source: str, reason: str, where: str) -> None:
    """The one log line per failure that operators grep for."""
    log.warning("quarantined record from %s (%s): %s", source, where, reason[:300])


def replay_payload(source: str, payload: bytes, mapping: Mapping[str, str] | None = None) -> PostRecord | Reject:
    """A quarantined (or hand-fixed) payload judged again under today's rules and mapping.

    Payloads are JSON objects (a JSONL line, an API item, an RSS entry as the connector saw it);
    a CSV row is replayed by giving its fixed version as a JSON object.
    """
    return parse_json_line(source, payload.removeprefix(b"\xef\xbb\xbf").strip(), mapping)
