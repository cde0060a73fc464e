"""The one place that reads the environment: every setting is a ``PATCHWATCH_*`` variable."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class RegistrationMode(StrEnum):
    invite = "invite"
    open = "open"
    closed = "closed"


class Settings(BaseSettings):
    """Runtime configuration. Defaults give the embedded single-machine setup."""

    model_config = SettingsConfigDict(env_prefix="PATCHWATCH_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    database_replica_url: str = ""
    secret_key: str = ""
    redis_url: str = ""
    environment: str = "development"

    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    jwt_issuer: str = "patchwatch"
    jwt_audience: str = "patchwatch-api"

    registration: RegistrationMode = RegistrationMode.invite

    # Login throttling: failures per account / per client address inside the window.
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    login_lockout_seconds: int = Field(default=900, ge=1)

    password_min_length: int = Field(default=10, ge=8, le=128)

    # Periodic jobs (catalog sync, SLA checks) run in the server process; off = run them with
    # `patchwatch jobs run` from cron instead. One process at a time runs a job (a lease).
    scheduler_enabled: bool = True
    scheduler_tick_seconds: int = Field(default=60, ge=1, le=3600)
    sla_check_interval_minutes: int = Field(default=15, ge=0)
    # Planned patch cycles open (their targets are frozen) once their start has come.
    cycle_open_interval_minutes: int = Field(default=5, ge=0)
    # The Drupal release-history service (`patchwatch catalog sync`); a mirror works too.
    drupal_release_history_url: str = "https://updates.drupal.org/release-history"
    catalog_sync_interval_minutes: int = Field(default=360, ge=0)
    catalog_sync_concurrency: int = Field(default=4, ge=1, le=32)
    catalog_sync_timeout_seconds: float = Field(default=30, gt=0, le=600)

    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    cors_origins: Annotated[list[str], NoDecode] = []
    log_json: bool = False
    log_level: str = "INFO"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _embedded_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = (
                f"sqlite+aiosqlite:///{(self.data_dir / 'patchwatch.db').as_posix()}"
            )
        if not self.secret_key:
            if not self.is_embedded:
                raise ValueError("PATCHWATCH_SECRET_KEY is required when not using embedded SQLite")
            self.secret_key = _load_or_create_secret(self.data_dir)
        if len(self.secret_key) < 32:
            raise ValueError("PATCHWATCH_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def _load_or_create_secret(data_dir: Path) -> str:
    """Generate the embedded install's secret once and keep it in the data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
