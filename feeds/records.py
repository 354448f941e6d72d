"""The validated record every connector produces, and the hashing that keeps handles out of the DB.

Validation is also the database's guard: whatever passes here must be storable on SQLite and
PostgreSQL alike (no NUL characters, no lone surrogates, dates that survive conversion to UTC,
finite numbers of a size both JSON columns keep, bounded nesting and size). A record that fails is
quarantined with the reason; it never reaches a batch insert where it could fail its neighbours.
The limits come from ``store.settings`` (``CHHMAM_FEEDS_*``) so operators can state and change them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from store.settings import get_settings

MAX_TEXT_CHARS = 100_000
MAX_AUTHOR_CHARS = 1000
MAX_INT = 2**63 - 1  # what every JSON column here keeps exactly (PostgreSQL bigint, SQLite integer)
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


class TooLargeNumber:
    """An integer literal too long for Python to parse: kept as its digits so only its record fails."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<integer of {len(self.digits)} digits>"


def unsafe_text_reason(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL or a lone surrogate), or None when it can."""
    m = _UNSAFE.search(value)
    if m is None:
        return None
    return "contains a NUL character" if m.group() == "\x00" else "contains lone surrogates (invalid Unicode)"


def _check_text(value: str) -> str:
    reason = unsafe_text_reason(value)
    if reason:
        raise ValueError(reason)
    return value


def _check_json_value(value: Any, depth: int, max_depth: int, path: str) -> None:
    """Raise ValueError for anything a JSON column cannot keep faithfully (walks lists and objects)."""
    if depth > max_depth:
        raise ValueError(f"nested deeper than {max_depth} levels at {path or 'top'}")
    if isinstance(value, str):
        reason = unsafe_text_reason(value)
        if reason:
            raise ValueError(f"{path or 'value'} {reason}")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, TooLargeNumber):
        raise ValueError(f"{path or 'value'}: integer of {len(value.digits)} digits")
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            raise ValueError(f"{path or 'value'}: integer outside the 64-bit range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path or 'value'}: NaN or infinite number")
    elif isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"{path or 'value'}: object key is not text")
            _check_json_value(k, depth + 1, max_depth, f"{path}.{k[:40]}" if path else k[:40])
            _check_json_value(v, depth + 1, max_depth, f"{path}.{k[:40]}" if path else k[:40])
    elif isinstance(value, list):
        for n, v in enumerate(value):
            _check_json_value(v, depth + 1, max_depth, f"{path}[{n}]")
    else:
        raise ValueError(f"{path or 'value'}: {type(value).__name__} is not a JSON value")


class PostRecord(BaseModel):
    """A public post from a partner feed, validated.

    ``author`` is the raw handle as the partner sent it: it is only ever stored as ``author_hash``.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    source: str = Field(min_length=1, max_length=100)
    external_id: str = Field(min_length=1, max_length=200)
    text: str = Field(max_length=MAX_TEXT_CHARS)
    author: str | None = Field(default=None, max_length=MAX_AUTHOR_CHARS)
    created_at: AwareDatetime | None = None
    url: str | None = Field(default=None, max_length=2000)
    platform: str | None = Field(default=None, max_length=50)
    location_hint: str | None = Field(default=None, max_length=100)
    lang_hint: str | None = Field(default=None, max_length=20)
    extras: dict[str, Any] = Field(default_factory=dict)

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        """Numeric ids become text; surrounding whitespace is not part of an id (``" 7"`` is ``"7"``)."""
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        return v.strip() if isinstance(v, str) else v

    @field_validator("source", "external_id", "text", "author", "url", "platform", "location_hint", "lang_hint")
    @classmethod
    def _storable(cls, v: str | None) -> str | None:
        return None if v is None else _check_text(v)

    @field_validator("text")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty")
        return v

    @field_validator("created_at")
    @classmethod
    def _sane_date(cls, v: datetime | None) -> datetime | None:
        """Within the configured window, and convertible to UTC (year 1 or 9999 with an offset is not)."""
        if v is None:
            return v
        try:
            utc = v.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise ValueError("date out of range") from exc
        settings = get_settings()
        earliest = datetime.fromisoformat(settings.feeds_min_created)
        latest = datetime.now(UTC) + timedelta(days=settings.feeds_max_future_days)
        if not earliest <= utc <= latest:
            raise ValueError(f"date outside {earliest.date()} .. {latest.date()}")
        return v

    @field_validator("extras")
    @classmethod
    def _extras_storable(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not v:
            return v
        settings = get_settings()
        _check_json_value(v, 0, settings.feeds_max_depth, "")
        size = len(json.dumps(v, ensure_ascii=False).encode())
        if size > settings.feeds_max_extra_bytes:
            raise ValueError(f"extra fields are {size} bytes (limit {settings.feeds_max_extra_bytes})")
        return v


def author_hash(author: str | None, key: str) -> str | None:
    """Keyed HMAC-SHA256 of a handle: stable for counting repeat authors, useless for finding them."""
    if not author:
        return None
    return hmac.new(key.encode(), author.strip().casefold().encode(), hashlib.sha256).hexdigest()


def to_row(record: PostRecord, hmac_key: str, ingested_at: datetime, content_hash: str) -> dict[str, Any]:
    """The ``posts`` table row for a record (the raw author replaced by its hash).

    ``content_hash`` is computed by the caller over the *normalised* text (a later stage's job),
    so that identical content from different posts shares it.
    """
    return {
        "source": record.source,
        "external_id": record.external_id,
        "content_hash": content_hash,
        "text": record.text,
        "author_hash": author_hash(record.author, hmac_key),
        # UTC: SQLite keeps no offset, so an unconverted +07:00 time would shift by seven hours.
        "created_at": record.created_at.astimezone(UTC) if record.created_at else None,
        "ingested_at": ingested_at,
        "url": record.url,
        "platform": record.platform,
        "location_hint": record.location_hint,
        "lang_hint": record.lang_hint,
        "extras": record.extras,
    }
