"""Service configuration, read once from ``CHHMAM_*`` environment variables.

ML settings live in ``params.yaml`` (DVC reads them); this holds what a running service needs.
The defaults need no set-up: an SQLite file and a local folder under ``var/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All ``CHHMAM_`` variables; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CHHMAM_", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Local state: database, caches.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")
    model_dir: Path = Field(
        default=PROJECT_ROOT / "artifacts" / "model",
        description="The promoted model bundle that `chhmam score` and the flows load.",
    )
    author_hmac_key: str = Field(
        default="chhmam-dev-key-change-me",
        description="Key for hashing author handles; raw handles never reach the database.",
    )
    secret_key: str = Field(default="", description="Keys the web app's session and login-form hashes; no default: "
                                                "`chhmam serve` refuses to start without one (see --local-demo).")
    session_idle_minutes: int = Field(default=30, description="A web session ends after this long unused.")
    session_absolute_hours: int = Field(default=8, description="A web session ends this long after login.")
    cookie_secure: bool = Field(default=False, description="Mark the session cookie Secure (behind HTTPS).")
    argon2_concurrency: int = Field(default=2, description="Password hashes computed at once (CPU and memory cap).")
    claim_cap: int = Field(default=10, description="Items one reviewer may hold claimed at once.")
    forwarded_allow_ips: str = Field(default="", description="Proxies whose X-Forwarded-* headers uvicorn trusts "
                                                             "(comma-separated); empty trusts none.")
    dask_address: str = Field(default="", description="tcp://host:port of an existing Dask scheduler.")
    host: str = "127.0.0.1"
    port: int = 8000
    # Feed limits: a record beyond them is quarantined with the reason, never stored half-way.
    feeds_max_extra_bytes: int = Field(default=64 * 1024, description="Largest `extras` of a post (UTF-8 JSON).")
    feeds_max_depth: int = Field(default=32, description="Deepest nesting of lists/objects inside a record.")
    feeds_min_created: str = Field(default="1990-01-01T00:00:00+00:00",
                                   description="Earliest accepted `created_at` (ISO 8601 with zone).")
    feeds_max_future_days: float = Field(default=2.0, description="How far `created_at` may lie in the future.")
    feeds_quarantine_max_bytes: int = Field(default=4 * 1024 * 1024,
                                            description="Raw payload kept per quarantined record (compressed).")
    feeds_file_settle_s: float = Field(default=120.0,
                                       description="A drop file with no final newline counts as complete "
                                                   "once unchanged this long.")
    feeds_lease_s: float = Field(default=900.0, description="How long one ingest holds its partner's lease "
                                                            "without committing a batch.")
    # Networks (cases.linking): when a shared value stops linking posts.
    network_degree_cap: int = Field(default=50, description="An entity shared by more distinct authors than this "
                                                            "(a post without author counts as one) is common: it "
                                                            "no longer joins networks.")
    network_post_cap: int = Field(default=1000, description="An entity on more posts than this is common, whatever "
                                                            "its authors (one prolific account, a copied template).")
    network_allow_list: Path = Field(default=PROJECT_ROOT / "data" / "networks" / "allow_list.yaml",
                                     description="Public hotlines and platforms that never link posts.")
    network_region: str = Field(default="KH", description="Region for phone numbers written without a country code.")

    def resolved_database_url(self) -> str:
        """The URL to connect to: the explicit one, else an SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'chhmam.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached: the environment is read once)."""
    return Settings()
