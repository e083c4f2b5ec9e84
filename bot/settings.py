"""Application settings, read from the environment, `.env` and docker secrets.

`load_settings()` is the only entry point used by the composition root: it turns a
validation error into one human-readable line on stderr and a non-zero exit.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRETS_DIR = Path(os.environ.get("SECRETS_DIR", "/run/secrets"))

# What Telegram accepts as a webhook `secret_token`.
_WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        secrets_dir=str(SECRETS_DIR) if SECRETS_DIR.is_dir() else None,
        case_sensitive=False,
        extra="ignore",
    )

    bot_token: SecretStr
    database_url: SecretStr = SecretStr("sqlite+aiosqlite:///./data/zavhoz.sqlite3")
    redis_url: SecretStr | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_chat_id: int | None = None
    telegram_api_url: str | None = None
    timezone: str = "Europe/Moscow"
    default_language: str = "ru"
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.CONSOLE
    sentry_dsn: SecretStr | None = None
    sentry_environment: str = "production"
    auto_migrate: bool = True

    # Request rules.
    sla_hours_urgent: int = Field(default=4, ge=1)
    sla_hours_high: int = Field(default=24, ge=1)
    sla_hours_normal: int = Field(default=72, ge=1)
    sla_hours_low: int = Field(default=168, ge=1)
    creation_limit: int = Field(default=5, ge=1)
    creation_window_minutes: int = Field(default=10, ge=1)

    # Flood control for incoming updates (token bucket per user).
    rate_limit_per_second: float = Field(default=2.0, gt=0)
    rate_limit_burst: int = Field(default=8, ge=1)

    # Outgoing notifications (outbox sender).
    outbox_rate_per_second: float = Field(default=25.0, gt=0)
    # Transient failures (5xx, timeouts, 429...) are retried for at least this long, with
    # capped exponential backoff and jitter; only permanent answers end a row at once.
    outbox_retry_hours: float = Field(default=24.0, gt=0)
    outbox_backoff_base_seconds: float = Field(default=1.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=300.0, gt=0)
    outbox_poll_interval: float = Field(default=0.5, gt=0)
    outbox_private_rate_per_second: float = Field(default=1.0, gt=0)
    outbox_group_rate_per_minute: float = Field(default=20.0, gt=0)
    outbox_lease_seconds: float = Field(default=120.0, ge=10)
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    # A comment's notification waits this long, and the comments that follow it in that
    # time (a burst: "the tap leaks", "and the door", "urgent!") join the same message.
    comment_coalesce_seconds: float = Field(default=20.0, ge=0, le=600)

    # Reports and scheduled work.
    digest_time: Annotated[time | None, NoDecode] = time(8, 0)
    auto_close_days: int = Field(default=7, ge=1)

    # Operations.
    metrics_port: int = Field(default=9090, ge=0, le=65535)
    # The loopback by default (`make run` on a laptop or a VPS); compose sets 0.0.0.0,
    # reachable inside the project network only.
    metrics_host: str = "127.0.0.1"
    metrics_token: SecretStr | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram/webhook"
    # Connections stay open: an overflow connection is closed the moment it is returned,
    # so a load near the pool's size would open a new one (TLS, re-preparing every
    # statement) for each update. See database.engine.create_engine.
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    redis_pool_size: int = Field(default=20, ge=1)
    max_concurrent_updates: int = Field(default=50, ge=1)
    shutdown_timeout: float = Field(default=10.0, gt=0)

    # The web panel (panel/): served beside the bot; PANEL_PORT=0 turns it off.
    panel_host: str = "127.0.0.1"
    panel_port: int = Field(default=8000, ge=0, le=65535)
    panel_url: str = "http://127.0.0.1:8000"
    panel_telegram_login: bool = False

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        left, sep, right = value.get_secret_value().strip().partition(":")
        if not (sep and left.isdigit() and right and not any(c.isspace() for c in right)):
            raise ValueError("does not look like a bot token (expected <digits>:<secret>)")
        return SecretStr(f"{left}:{right}")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _digest_time(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            hours, _, minutes = value.partition(":")
            return time(int(hours), int(minutes or 0))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("ru", "en"):
            raise ValueError("must be 'ru' or 'en'")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @field_validator("panel_url", mode="before")
    @classmethod
    def _panel_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://")
        return value

    @field_validator("telegram_api_url", "webhook_url", mode="before")
    @classmethod
    def _url_or_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            if not value:
                return None
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://")
        return value

    @field_validator("redis_url", "sentry_dsn", "webhook_secret", "metrics_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is None:
            return self
        if self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        if not _WEBHOOK_SECRET_RE.fullmatch(self.webhook_secret.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def replicated(self) -> bool:
        """Several processes take updates: webhook replicas behind nginx. Polling is one
        process (Telegram answers a second getUpdates consumer with 409 Conflict)."""
        return self.webhook_url is not None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sla_hours(self) -> dict[str, int]:
        return {
            "urgent": self.sla_hours_urgent,
            "high": self.sla_hours_high,
            "normal": self.sla_hours_normal,
            "low": self.sla_hours_low,
        }


def describe_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, the way an operator reads it."""
    err = exc.errors()[0]
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if not err.get("loc"):  # a model validator: its message names the settings itself
        return f"configuration error: {message}"
    name = str(err["loc"][0]).upper()
    if err["type"] == "missing":
        return f"configuration error: {name} is required but not set"
    return f"configuration error: {name}: {message}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings or stop the process with one clear line (exit code 2)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        raise SystemExit(2) from None
