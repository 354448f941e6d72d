"""The validated record every connector produces, and the hashing that keeps handles out of the DB."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 100_000
_SURROGATE = re.compile("[\ud800-\udfff]")


class PostRecord(BaseModel):
    """A public post from a partner feed, validated.

    ``author`` is the raw handle as the partner sent it: it is only ever stored as ``author_hash``.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    source: str = Field(min_length=1, max_length=100)
    external_id: str = Field(min_length=1, max_length=200)
    text: str = Field(max_length=MAX_TEXT_CHARS)
    author: str | None = None
    created_at: AwareDatetime | None = None
    url: str | None = Field(default=None, max_length=2000)
    platform: str | None = Field(default=None, max_length=50)
    location_hint: str | None = Field(default=None, max_length=100)
    lang_hint: str | None = Field(default=None, max_length=20)
    extras: dict[str, Any] = Field(default_factory=dict)

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("text")
    @classmethod
    def _no_surrogates(cls, v: str) -> str:
        if _SURROGATE.search(v):
            raise ValueError("text contains lone surrogates (invalid Unicode)")
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
