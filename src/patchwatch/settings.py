"""The one place that reads the environment: every setting is a ``PATCHWATCH_*`` variable."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from patchwatch.identity.signing_keys import JwtAlgorithm, TokenKeys, token_keys


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
    # The built dashboard (web/dist); unset: the repository's own web/dist.
    web_dir: Path | None = None

    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    jwt_issuer: str = "patchwatch"
    jwt_audience: str = "patchwatch-api"
    # HS256: access tokens signed with secret_key. EdDSA: signed with an Ed25519 key whose public
    # half is at /.well-known/jwks.json; the key is jwt_private_key_file (PEM, PKCS#8) or, unset,
    # generated once into data_dir/jwt-ed25519.pem. Switching invalidates access tokens only.
    jwt_algorithm: JwtAlgorithm = JwtAlgorithm.HS256
    jwt_private_key_file: Path | None = None

    registration: RegistrationMode = RegistrationMode.invite

    # Login throttling: failures per account / per client address inside the window.
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    login_lockout_seconds: int = Field(default=900, ge=1)
    # Drupal connector pushes per site and hour (a moving window); past it, 429.
    connector_pushes_per_hour: int = Field(default=4, ge=1, le=1_000_000)

    password_min_length: int = Field(default=10, ge=8, le=128)

    # Periodic jobs (catalog sync, SLA checks) run in the server process; off = run them with
    # `patchwatch jobs run` from cron instead. One process at a time runs a job (a lease).
    scheduler_enabled: bool = True
    scheduler_tick_seconds: int = Field(default=60, ge=1, le=3600)
    # On SIGTERM the background loops finish the round they are in; one still busy after this
    # many seconds is cancelled (jobs/loops.py).
    shutdown_grace_seconds: float = Field(default=20, gt=0, le=600)
    sla_check_interval_minutes: int = Field(default=15, ge=0)
    # Planned patch cycles open (their targets are frozen) once their start has come.
    cycle_open_interval_minutes: int = Field(default=5, ge=0)
    # Rollout cycles still amber when their deadline passes turn red (rollouts/jobs.py).
    rollout_deadline_interval_minutes: int = Field(default=15, ge=0)
    # The accounting day ends at this hour in this time zone; the `daily-close` job (checking
    # every interval) then writes its statements and pays out positive balances.
    daily_close_hour: int = Field(default=0, ge=0, le=23)
    daily_close_timezone: str = "UTC"
    daily_close_interval_minutes: int = Field(default=10, ge=0)
    # The Drupal release-history service (`patchwatch catalog sync`); a mirror works too.
    drupal_release_history_url: str = "https://updates.drupal.org/release-history"
    catalog_sync_interval_minutes: int = Field(default=360, ge=0)
    catalog_sync_concurrency: int = Field(default=4, ge=1, le=32)
    catalog_sync_timeout_seconds: float = Field(default=30, gt=0, le=600)

    # Notifications. Links in messages point at the dashboard under `public_url`.
    public_url: str = "http://127.0.0.1:8000"
    # Email is off while smtp_host is empty (email deliveries are then marked `skipped`).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "Patchwatch <patchwatch@localhost>"
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=600)
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # The sender of pending deliveries; a failed one is retried after base * 2^(attempt - 1).
    notify_send_interval_seconds: int = Field(default=5, ge=0, le=3600)
    notify_max_attempts: int = Field(default=6, ge=1, le=50)
    notify_retry_base_seconds: int = Field(default=60, ge=1, le=86400)
    # A webhook failing this many times in a row is disabled and its owner told.
    webhook_failure_limit: int = Field(default=5, ge=1, le=1000)
    # Webhook receivers at loopback, private or link-local addresses are refused (SSRF) unless
    # allowed: on-premise installations whose receivers live inside their own network.
    webhook_allow_private_addresses: bool = False
    notify_digest_interval_minutes: int = Field(default=24 * 60, ge=0)
    # SLA reminders: days before the deadline at which subscribers hear of it (once each).
    sla_reminder_days: Annotated[list[int], NoDecode] = [7, 1]

    # Event delivery (outbox -> consumers). In the server process on the embedded default (with
    # the scheduler); by `patchwatch worker` processes when redis_url is set. A failed delivery
    # is retried after base * 2^(attempt - 1) seconds, then kept as a dead letter.
    events_max_attempts: int = Field(default=8, ge=1, le=100)
    events_retry_base_seconds: float = Field(default=10, gt=0, le=86400)
    events_batch_size: int = Field(default=500, ge=1, le=5000)
    events_poll_seconds: float = Field(default=1.0, gt=0, le=300)
    # One process at a time delivers to a consumer; a killed one's lease frees after this.
    events_lease_seconds: float = Field(default=30, ge=1, le=3600)
    events_queue_name: str = Field(default="patchwatch:events", min_length=1, max_length=100)

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

    @field_validator("sla_reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(item) for item in value.split(",") if item.strip()]
        return value

    @field_validator("daily_close_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
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
        if self.jwt_algorithm is JwtAlgorithm.EdDSA:
            self.token_keys  # noqa: B018 - a bad key file stops the start, not the first login
        return self

    @property
    def token_keys(self) -> TokenKeys:
        """The keys that sign and verify access tokens (loaded or generated once)."""
        return token_keys(
            self.jwt_algorithm,
            secret=self.secret_key,
            key_file=self.jwt_private_key_file,
            data_dir=self.data_dir,
        )

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
