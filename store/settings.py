"""Service configuration, read once from ``CHHMAM_*`` environment variables.

ML settings live in ``params.yaml`` (DVC reads them); this holds what a running service needs.
The defaults need no set-up: an SQLite file and a local folder under ``var/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.paths import CHECKOUT, SOURCE


class Settings(BaseSettings):
    """All ``CHHMAM_`` variables; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CHHMAM_", extra="ignore")

    data_dir: Path = Field(default=SOURCE.var, description="Local state: database, caches.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL, e.g. "
        "`postgresql+psycopg://user@127.0.0.1:5432/chhmam`; "
        "empty means the SQLite file `chhmam.db` in data_dir.",
    )
    model_dir: Path = Field(
        default=SOURCE.served_model, description="The published model bundle that `chhmam score` and the flows load."
    )
    author_hmac_key: str = Field(
        default="chhmam-dev-key-change-me",
        description="Key for hashing author handles; raw handles never reach the database: **set it in production**.",
    )
    secret_key: str = Field(
        default="",
        description="Keys web session ids and login CSRF tokens; no default: "
        "`chhmam serve` refuses to start without one (`--local-demo`: "
        "a key generated into `var/secret_key`, 127.0.0.1 only).",
    )
    session_idle_minutes: int = Field(default=30, description="A web session ends after this long unused.")
    session_absolute_hours: int = Field(default=8, description="A web session ends this long after login.")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie `Secure` (serve behind HTTPS).")
    break_after: int = Field(
        default=25, description="Reveals within 4 hours after which the web app shows the break prompt."
    )
    argon2_concurrency: int = Field(default=2, description="Password hashes computed at once (CPU and memory cap).")
    argon2_time_cost: int | None = Field(
        default=None, description="argon2id passes; unset: argon2-cffi's default. Lowered only by the test suite."
    )
    argon2_memory_kib: int | None = Field(
        default=None,
        description="argon2id memory in KiB; unset: argon2-cffi's default. Lowered only by the test suite.",
    )
    claim_cap: int = Field(default=10, description="Items one reviewer may hold claimed at once.")
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies whose X-Forwarded-* headers uvicorn trusts (comma-separated); empty trusts none.",
    )
    dask_address: str = Field(
        default="",
        description="`tcp://host:port` of an existing Dask scheduler; empty runs tasks in a local thread pool.",
    )
    score_threads: int | None = Field(
        default=None,
        ge=1,
        description="ONNX Runtime threads per scoring process; unset: the model bundle's own (2). "
        "Set 1 on Dask workers that each have one core.",
    )
    export_dir: Path = Field(default=SOURCE.exports, description="Where `chhmam export` writes `<YYYY-Www>/`.")
    host: str = Field(default="127.0.0.1", description="Address `chhmam serve` listens on.")
    port: int = Field(default=8000, description="Port `chhmam serve` listens on.")
    # Feed limits: a record beyond them is quarantined with the reason, never stored half-way.
    feeds_max_extra_bytes: int = Field(default=64 * 1024, description="Largest `extras` of a post (UTF-8 JSON).")
    feeds_max_depth: int = Field(default=32, description="Deepest nesting of lists/objects inside a record.")
    feeds_min_created: str = Field(
        default="1990-01-01T00:00:00+00:00", description="Earliest accepted `created_at` (ISO 8601 with zone)."
    )
    feeds_max_future_days: float = Field(default=2.0, description="How far `created_at` may lie in the future.")
    feeds_quarantine_max_bytes: int = Field(
        default=4 * 1024 * 1024, description="Raw payload kept per quarantined record (compressed)."
    )
    feeds_file_settle_s: float = Field(
        default=120.0, description="A drop file with no final newline counts as complete once unchanged this long."
    )
    feeds_lease_s: float = Field(
        default=900.0, description="How long one ingest holds its partner's lease without committing a batch."
    )
    # Networks (cases.linking): when a shared value stops linking posts.
    network_degree_cap: int = Field(
        default=50,
        description="An entity shared by more distinct authors than this "
        "(a post without author counts as one) is common: it "
        "no longer joins networks.",
    )
    network_post_cap: int = Field(
        default=1000,
        description="An entity on more posts than this is common, whatever "
        "its authors (one prolific account, a copied template).",
    )
    network_allow_list: Path = Field(
        default=SOURCE.network_allow_list, description="Public hotlines and platforms that never link posts."
    )
    network_region: str = Field(default="KH", description="Region for phone numbers written without a country code.")

    @field_validator("export_dir", mode="before")
    @classmethod
    def _empty_export_dir_is_default(cls, value: object) -> object:
        """``CHHMAM_EXPORT_DIR=`` (set but empty) means the default folder, not the current directory."""
        return SOURCE.exports if value == "" else value

    def resolved_database_url(self) -> str:
        """The URL to connect to: the explicit one, else an SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'chhmam.db'}"


def _shown_default(value: object) -> str:
    """A default as the README shows it: paths relative to the checkout, empty and unset named."""
    if isinstance(value, Path):
        rel = value.relative_to(CHECKOUT).as_posix() if value.is_relative_to(CHECKOUT) else str(value)
        return f"`{rel}`" if value.suffix else f"`{rel}/`"  # a folder ends in /
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "on" if value else "off"
    if value == "":
        return "empty"
    return f"`{value}`"


def settings_table() -> str:
    """The README's configuration table, one row per field, so the two cannot drift apart."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `CHHMAM_{name.upper()}` | {_shown_default(field.default)} | {field.description} |")
    return "\n".join(rows) + "\n"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached: the environment is read once)."""
    return Settings()
