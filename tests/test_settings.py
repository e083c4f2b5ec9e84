"""Configuration errors stop the process with one clear line; secrets come from files too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings


def run_bot(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "configuration error: BOT_TOKEN is required but not set"),
        ({"BOT_TOKEN": "  "}, "configuration error: BOT_TOKEN: does not look like a bot token"),
        ({"BOT_TOKEN": "1:x", "TIMEZONE": "Mars/Olympus"}, "TIMEZONE: unknown time zone"),
        ({"BOT_TOKEN": "1:x", "ADMIN_IDS": "12,abc"}, "configuration error: ADMIN_IDS"),
        ({"BOT_TOKEN": "1:x", "METRICS_PORT": "70000"}, "configuration error: METRICS_PORT"),
        ({"BOT_TOKEN": "1:x", "LOG_FORMAT": "xml"}, "configuration error: LOG_FORMAT"),
        ({"BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL: must start"),
        (
            {"BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://bot.example.org"},
            "configuration error: WEBHOOK_SECRET is required when WEBHOOK_URL is set",
        ),
        (
            {
                "BOT_TOKEN": "1:x",
                "WEBHOOK_URL": "https://bot.example.org",
                "WEBHOOK_SECRET": "with spaces & symbols!",
            },
            "configuration error: WEBHOOK_SECRET must be 1-256 characters of A-Z",
        ),
    ],
)
def test_bad_setting_is_one_line_and_nonzero_exit(
    env: dict[str, str], expected: str, tmp_path: Path
) -> None:
    result = run_bot(env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_secret_from_docker_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bot_token").write_text("123:from-secret-file\n")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    config = dict(Settings.model_config)
    config["secrets_dir"] = str(tmp_path)

    class FromSecrets(Settings):
        model_config = config  # type: ignore[assignment]

    settings = FromSecrets(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token.get_secret_value() == "123:from-secret-file"


def test_defaults_are_the_embedded_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "DIGEST_TIME", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None, bot_token="1:x")  # type: ignore[call-arg]
    assert settings.database_url.get_secret_value().startswith("sqlite+aiosqlite:///./data/")
    assert settings.redis_url is None
    assert settings.timezone == "Europe/Moscow"
    assert settings.default_language == "ru"
    assert settings.sla_hours() == {"urgent": 4, "high": 24, "normal": 72, "low": 168}


def test_lists_and_times_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "1, 2;3")
    monkeypatch.setenv("DIGEST_TIME", "07:30")
    settings = Settings(_env_file=None, bot_token="1:x")  # type: ignore[call-arg]
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert (settings.digest_time.hour, settings.digest_time.minute) == (7, 30)  # type: ignore[union-attr]
    monkeypatch.setenv("DIGEST_TIME", "")
    assert Settings(_env_file=None, bot_token="1:x").digest_time is None  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("secret", "valid"),
    [
        ("a", True),
        ("Az09_-" * 42 + "abcd", True),  # 256 characters
        ("x" * 257, False),
        ("пароль", False),
        ("abc/def", False),
        ("abc=", False),
    ],
)
def test_webhook_secret_uses_the_characters_telegram_accepts(secret: str, valid: bool) -> None:
    def build() -> Settings:
        return Settings(  # type: ignore[call-arg]
            _env_file=None,
            bot_token="1:x",
            webhook_url="https://bot.example.org/",
            webhook_secret=secret,
        )

    if valid:
        settings = build()
        assert settings.webhook_url == "https://bot.example.org"
        assert settings.webhook_secret is not None
        assert settings.webhook_secret.get_secret_value() == secret
    else:
        with pytest.raises(ValueError, match="WEBHOOK_SECRET must be 1-256 characters"):
            build()


def test_polling_needs_no_webhook_secret() -> None:
    settings = Settings(_env_file=None, bot_token="1:x", webhook_secret="")  # type: ignore[call-arg]
    assert settings.webhook_url is None
    assert settings.webhook_secret is None
