"""docker-compose.yml: what an operator relies on when running `docker compose up`.

The structure is checked here with PyYAML, so the suite needs no Docker; `docker compose
config -q` (and with `--profile scale`) is the complementary check where Docker exists.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.process import PROJECT_ROOT

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


def healthy(service: dict[str, Any], *names: str) -> None:
    depends = service["depends_on"]
    for name in names:
        assert depends[name]["condition"] == "service_healthy", name


def test_default_profile_runs_postgres_redis_and_one_polling_bot() -> None:
    services = compose()["services"]
    default = {name for name, svc in services.items() if not svc.get("profiles")}
    assert default == {"postgres", "redis", "bot", "panel"}

    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["volumes"], name  # data outlives the container
    bot = services["bot"]
    healthy(bot, "postgres", "redis")
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["DATABASE_URL"].endswith("@postgres:5432/zavhoz")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["LOG_FORMAT"] == "json"
    assert env["WEBHOOK_URL"] == ""  # polling, whatever .env says
    assert env["PANEL_PORT"] == "0"  # the panel runs in its own container
    # Long enough for SHUTDOWN_TIMEOUT (10 s) plus the outbox sender's last message.
    assert bot["stop_grace_period"] == "20s"


def test_scale_profile_runs_two_webhook_replicas_behind_nginx() -> None:
    data = compose()
    services = data["services"]
    replicas = services["bot-webhook"]
    assert replicas["profiles"] == ["scale"]
    assert replicas["deploy"]["replicas"] == 2
    healthy(replicas, "postgres", "redis")
    env = replicas["environment"]
    assert env["REDIS_URL"].startswith("redis://")  # shared dialogs and per-user locks
    assert env["WEBHOOK_SECRET"] == "${WEBHOOK_SECRET:-}"
    assert env["WEBHOOK_PORT"] == "8080"

    nginx = services["nginx"]
    assert nginx["profiles"] == ["scale"]
    healthy(nginx, "bot-webhook")
    [config] = nginx["configs"]
    conf = data["configs"][config["source"]]["content"]
    assert re.search(r"upstream zavhoz_webhook \{[^}]*server bot-webhook:8080", conf)
    location = re.search(r"location = (\S+) \{.*?proxy_pass http://zavhoz_webhook;", conf, re.S)
    assert location is not None
    assert location.group(1) == env["WEBHOOK_PATH"]


def test_the_web_panel_is_a_service_of_its_own() -> None:
    services = compose()["services"]
    panel = services["panel"]
    assert panel["command"] == ["python", "-m", "panel"]
    healthy(panel, "postgres", "redis")  # its writes to people move the users epoch there
    env = panel["environment"]
    assert env["DATABASE_URL"] == services["bot"]["environment"]["DATABASE_URL"]
    assert env["REDIS_URL"] == services["bot"]["environment"]["REDIS_URL"]
    assert env["PANEL_HOST"] == "0.0.0.0" and env["PANEL_PORT"] == "8000"
    assert env["PANEL_URL"].startswith("${PANEL_URL:-")
    assert "http://127.0.0.1:8000/login" in " ".join(panel["healthcheck"]["test"])
    assert panel["ports"] == ["127.0.0.1:${PANEL_HOST_PORT:-8000}:8000"]


def test_the_scale_profile_puts_the_panel_behind_nginx() -> None:
    data = compose()
    services = data["services"]
    assert services["bot-webhook"]["environment"]["PANEL_PORT"] == "0"
    nginx = services["nginx"]
    healthy(nginx, "bot-webhook", "panel")
    [config] = nginx["configs"]
    conf = data["configs"][config["source"]]["content"]
    assert re.search(r"upstream zavhoz_panel \{[^}]*server panel:8000", conf)
    assert re.search(r"location / \{\s*[^}]*proxy_pass http://zavhoz_panel;", conf)


def test_bots_serve_metrics_inside_the_network_only_with_the_optional_token() -> None:
    services = compose()["services"]
    for name in ("bot", "bot-webhook"):
        env = services[name]["environment"]
        assert env["METRICS_HOST"] == "0.0.0.0", name  # the default is 127.0.0.1
        assert env["METRICS_TOKEN"] == "${METRICS_TOKEN:-}", name
        assert "ports" not in services[name], name  # never published on the host
