"""Partner feed configuration: one YAML file lists every partner and how to read it.

Example (``data/sample/partners.yaml``)::

    partners:
      - name: ngo_drop                  # the ``source`` of every post it sends
        kind: dropfolder                # dropfolder | http | rss
        path: drop/ngo                  # relative to the YAML file
        mapping: {id: external_id}      # partner field -> record field (dotted paths allowed)
        schedule: "*/10 * * * *"        # cron, in ``timezone``
      - name: telco_api
        kind: http
        url: https://partner.example/api/posts
        auth_env: CHHMAM_TOKEN_TELCO    # the bearer token is read from this variable, never the YAML
        pagination: page_token          # cursor | page_token

Secrets never live in the file: ``auth_env`` names an environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from feeds.base import Connector, FeedError
from feeds.dropfolder import DropFolder
from feeds.fetch import RetryPolicy
from feeds.httpapi import HttpApi
from feeds.rss import RssFeed


class Partner(BaseModel):
    """One partner feed."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: Literal["dropfolder", "http", "rss"]
    path: Path | None = None
    url: str | None = None
    auth_env: str | None = Field(default=None, description="Environment variable holding the bearer token.")
    mapping: dict[str, str] = Field(default_factory=dict)
    schedule: str | None = Field(default=None, description="Cron expression for the ingest deployment.")
    timezone: str = "Asia/Phnom_Penh"
    batch_size: int = Field(default=5000, ge=1, le=100_000)
    # HTTP API options
    pagination: Literal["cursor", "page_token"] = "cursor"
    cursor_param: str | None = None
    next_field: str | None = None
    items_field: str | None = None
    page_size: int = Field(default=500, ge=1, le=10_000)
    page_size_param: str = "limit"
    timeout_s: float = Field(default=15.0, gt=0)
    retries: int = Field(default=5, ge=1, le=20)
    backoff_max_s: float = Field(default=30.0, ge=0)
    order: Literal["oldest_first", "newest_first"] = Field(
        default="oldest_first", description="Where the API puts new posts: at the end, or on the first page."
    )
    reread_window_s: float = Field(default=3600.0, ge=0, description="newest_first: how far back to re-read.")

    @model_validator(mode="after")
    def _location(self) -> Partner:
        if self.kind == "dropfolder" and self.path is None:
            raise ValueError("a dropfolder partner needs `path`")
        if self.kind in ("http", "rss") and not self.url:
            raise ValueError(f"a {self.kind} partner needs `url`")
        return self

    def token(self) -> str | None:
        """The bearer token from ``auth_env`` (an error if the variable is named but unset)."""
        if not self.auth_env:
            return None
        value = os.environ.get(self.auth_env)
        if not value:
            raise FeedError(f"partner {self.name}: environment variable {self.auth_env} is not set")
        return value

    def policy(self) -> RetryPolicy:
        """Retry and timeout settings for HTTP partners."""
        return RetryPolicy(
            attempts=self.retries,
            backoff_max=self.backoff_max_s,
            timeout=self.timeout_s,
            backoff_initial=min(0.5, self.backoff_max_s) if self.backoff_max_s else 0.0,
        )

    def connector(self) -> Connector:
        """The feeds-stage reader for this partner."""
        if self.kind == "dropfolder":
            assert self.path is not None
            return DropFolder(self.name, self.path, self.mapping, self.batch_size)
        assert self.url is not None
        if self.kind == "http":
            return HttpApi(
                self.name,
                self.url,
                self.mapping,
                self.token(),
                self.pagination,
                self.cursor_param,
                self.next_field,
                self.items_field,
                self.page_size,
                self.page_size_param,
                self.batch_size,
                policy=self.policy(),
                order=self.order,
                reread_window_s=self.reread_window_s,
            )
        return RssFeed(self.name, self.url, self.mapping, self.token(), policy=self.policy())


def load_partners(path: Path) -> list[Partner]:
    """Partners from a YAML file ``{partners: [...]}``; relative paths are taken from the file's folder."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    partners = [Partner.model_validate(p) for p in data.get("partners", [])]
    names = [p.name for p in partners]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: partner names must be unique: {names}")
    for p in partners:
        if p.path is not None and not p.path.is_absolute():
            p.path = (path.parent / p.path).resolve()
        if (
            p.kind == "rss"
            and p.url
            and not p.url.startswith(("http://", "https://"))
            and not Path(p.url).is_absolute()
        ):
            p.url = str((path.parent / p.url).resolve())
    return partners
