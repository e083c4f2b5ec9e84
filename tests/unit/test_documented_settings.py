"""Every setting is documented where operators look: .env.example and the README table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(n.upper() for n in Settings.model_fields))
def test_setting_is_documented(name: str) -> None:
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{name}=" in env_example, f"{name} missing from .env.example"
    assert f"| `{name}` |" in readme, f"{name} missing from the README settings table"
