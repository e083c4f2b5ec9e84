"""The `monitoring` compose profile: what an operator gets from `--profile monitoring up`.

The Prometheus configuration, the alert rules, Grafana's provisioning and the dashboard
live inline in docker-compose.yml (top-level `configs:`). These tests take them out as
Compose would (interpolation with an empty environment, `$$` → `$`) and check them with
`promtool` (Debian: `apt-get install prometheus`): the configuration and rules parse, the
alerts fire on the situations they are named after and stay quiet otherwise, and every
expression of the rules and of the dashboard parses and names only metrics that
bot/metrics.py defines.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.metrics import Metrics
from tests.test_compose import compose

HOW_TO_INSTALL = (
    "promtool is needed to check the monitoring profile's Prometheus configuration: "
    "apt-get install prometheus (Debian/Ubuntu; .ci/run installs it), or put the promtool "
    "binary of a Prometheus release on PATH."
)

#: Series Prometheus itself makes (scrapes and the blackbox prober), not the bot.
PROMETHEUS_SERIES = {"up", "probe_success"}

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset"}
PROMQL_WORDS |= {"and", "or", "unless", "bool", "inf", "nan"}

_INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(text: str, env: dict[str, str] | None = None) -> str:
    """Compose's variable interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`..."""
    env = env or {}

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        value, op, arg = env.get(name), match.group("op"), match.group("arg") or ""
        if op in (":-", "-"):
            return value if value or (op == "-" and value is not None) else arg
        if op in (":?", "?"):
            assert value, f"${{{name}}} is required: {arg}"
            return value
        if op in (":+", "+"):
            return arg if value else ""
        return value or ""

    return _INTERPOLATION.sub(one, text)


def config(name: str) -> str:
    return interpolate(compose()["configs"][name]["content"])


def prometheus_config() -> dict[str, Any]:
    data = yaml.safe_load(config("prometheus-config"))
    assert isinstance(data, dict)
    return data


def alert_rules() -> list[dict[str, Any]]:
    [group] = yaml.safe_load(config("prometheus-rules"))["groups"]
    rules: list[dict[str, Any]] = group["rules"]
    return rules


def dashboard() -> dict[str, Any]:
    data = json.loads(config("grafana-dashboard-zavhoz"))
    assert isinstance(data, dict)
    return data


def dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in dashboard()["panels"] for target in panel["targets"]]


def bot_series() -> set[str]:
    """Every series name the bot's /metrics can expose (counters end in _total...)."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}
    names = set()
    for family in Metrics().registry.collect():
        for suffix in suffixes.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, labels, ranges removed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    found = re.findall(r"\b([A-Za-z_:][A-Za-z0-9_:]*)\b(?!\s*\()", text)
    return {name for name in found if name.lower() not in PROMQL_WORDS}


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    return path


def run(promtool: str, *args: str, cwd: Path) -> str:
    done = subprocess.run(
        [promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "zavhoz.yml"
    path.write_text(config("prometheus-rules"))
    return path


# ---------------------------------------------------------------- the compose profile


def test_monitoring_profile_publishes_prometheus_and_grafana_on_the_loopback_only() -> None:
    services = compose()["services"]
    monitoring = {name for name, svc in services.items() if "monitoring" in svc.get("profiles", [])}
    assert monitoring == {"prometheus", "blackbox", "grafana"}
    for name in monitoring:
        for port in services[name].get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    grafana = services["grafana"]
    assert grafana["depends_on"]["prometheus"]["condition"] == "service_healthy"
    assert grafana["environment"]["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert services["prometheus"]["healthcheck"]["test"]


def test_every_bot_replica_is_scraped_and_probed_and_the_panel_is_scraped() -> None:
    services = compose()["services"]
    # The bot services run the image's own command (python -m bot); the panel has its own.
    bots = {
        name
        for name, svc in services.items()
        if svc.get("image") == "zavhoz:latest" and "command" not in svc
    }
    assert bots >= {"bot", "bot-webhook"}
    jobs = {job["job_name"]: job for job in prometheus_config()["scrape_configs"]}

    for name in ("zavhoz-bot", "zavhoz-health"):
        [sd] = jobs[name]["dns_sd_configs"]
        assert set(sd["names"]) == bots, name  # every replica of every bot service
        assert sd["port"] == 9090  # METRICS_PORT in the image
    for name in bots:
        assert services[name]["environment"]["METRICS_HOST"] == "0.0.0.0"  # reachable

    health = jobs["zavhoz-health"]
    assert health["metrics_path"] == "/probe"
    relabel = {rule["target_label"]: rule for rule in health["relabel_configs"]}
    assert relabel["__param_target"]["replacement"] == "http://${1}/healthz"
    assert relabel["__address__"]["replacement"] == "blackbox:9115"
    assert "blackbox" in services

    [panel_sd] = jobs["zavhoz-panel"]["dns_sd_configs"]
    assert panel_sd["names"] == ["panel"]
    assert panel_sd["port"] == 8000


def test_grafana_is_provisioned_with_prometheus_and_the_dashboard() -> None:
    grafana = compose()["services"]["grafana"]
    mounts = {mount["source"]: mount["target"] for mount in grafana["configs"]}
    [source] = yaml.safe_load(config("grafana-datasource"))["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert source["isDefault"] is True
    [provider] = yaml.safe_load(config("grafana-dashboards"))["providers"]
    dashboard_file = Path(mounts["grafana-dashboard-zavhoz"])
    assert dashboard_file.parent == Path(provider["options"]["path"])
    assert dashboard_file.suffix == ".json"
    for panel in dashboard()["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": source["uid"]}, panel["title"]


# ------------------------------------------------------------------------- promtool


def test_prometheus_configuration_is_valid(promtool: str, tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "zavhoz.yml").write_text(config("prometheus-rules"))
    text = config("prometheus-config").replace("/etc/prometheus/rules/", f"{tmp_path}/rules/")
    (tmp_path / "prometheus.yml").write_text(text)
    output = run(promtool, "check", "config", "prometheus.yml", cwd=tmp_path)
    assert "1 rule files found" in output  # the rules are loaded, not only present


def test_alert_rules_are_valid(promtool: str, rules_file: Path) -> None:
    output = run(promtool, "check", "rules", rules_file.name, cwd=rules_file.parent)
    assert f"{len(alert_rules())} rules found" in output


def test_every_dashboard_expression_is_valid_promql(promtool: str, tmp_path: Path) -> None:
    """promtool has no check for dashboards: each expression becomes a recording rule."""
    exprs = dashboard_exprs()
    rules = [{"record": f"dashboard:expr_{i}", "expr": expr} for i, expr in enumerate(exprs)]
    path = tmp_path / "dashboard-exprs.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    output = run(promtool, "check", "rules", path.name, cwd=tmp_path)
    assert f"{len(exprs)} rules found" in output


def summary(rule_name: str, **values: str) -> dict[str, str]:
    """The summary annotation of an alert as Prometheus renders it (simple templates)."""
    [rule] = [rule for rule in alert_rules() if rule["alert"] == rule_name]
    text: str = rule["annotations"]["summary"]
    for key, value in values.items():
        text = re.sub(r"\{\{ \$" + re.escape(key) + r"(?: \| \w+)? \}\}", value, text)
    assert "{{" not in text, text
    return {"summary": text}


BOT = {"job": "zavhoz-bot", "instance": "10.0.0.5:9090", "service": "bot"}
PROBE = {"job": "zavhoz-health", "instance": "http://10.0.0.5:9090/healthz", "service": "bot"}


def series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f'{key}="{value}"' for key, value in labels.items())
    return {"series": f"{name}{{{inner}}}", "values": values}


def alert(name: str, at: str, *expected: dict[str, Any]) -> dict[str, Any]:
    return {"eval_time": at, "alertname": name, "exp_alerts": list(expected)}


def test_alerts_fire_on_what_they_are_named_after(promtool: str, rules_file: Path) -> None:
    """`promtool test rules`: each alert fires after its delay, and not before."""
    label = {"severity": "warning"}
    critical = {"severity": "critical"}
    tests = [
        {
            "interval": "1m",
            "input_series": [
                # /healthz fails from minute 2 on; /metrics still answers.
                series("probe_success", PROBE, "1 1 0 0 0 0"),
                series("up", BOT, "1x6"),
            ],
            "alert_rule_test": [
                alert("ZavhozHealthFailing", "2m"),
                alert(
                    "ZavhozHealthFailing",
                    "3m",
                    {
                        "exp_labels": {**PROBE, **critical},
                        "exp_annotations": summary(
                            "ZavhozHealthFailing", **{"labels.instance": PROBE["instance"]}
                        ),
                    },
                ),
                alert("ZavhozTargetDown", "5m"),
                alert("ZavhozNoBotRunning", "5m"),
            ],
        },
        {
            "interval": "1m",
            "input_series": [series("up", BOT, "1 0 0 0")],
            "alert_rule_test": [
                alert("ZavhozTargetDown", "1m"),
                alert(
                    "ZavhozTargetDown",
                    "2m",
                    {
                        "exp_labels": {**BOT, **critical},
                        "exp_annotations": summary(
                            "ZavhozTargetDown",
                            **{"labels.job": BOT["job"], "labels.instance": BOT["instance"]},
                        ),
                    },
                ),
            ],
        },
        {
            # No bot replica was ever found (stopped, or a wrong service name).
            "interval": "1m",
            "input_series": [series("up", {"job": "prometheus"}, "1x10")],
            "alert_rule_test": [
                alert("ZavhozNoBotRunning", "4m"),
                alert(
                    "ZavhozNoBotRunning",
                    "6m",
                    {
                        "exp_labels": {"job": "zavhoz-bot", **critical},
                        "exp_annotations": summary("ZavhozNoBotRunning"),
                    },
                ),
            ],
        },
        {
            # Two replicas report the same database figures; 3 more failed at minute 20.
            "interval": "1m",
            "input_series": [
                series("outbox_failed", BOT, "5x19 8x10"),
                series("outbox_failed", {**BOT, "instance": "10.0.0.6:9090"}, "5x19 8x10"),
                series("outbox_pending", BOT, "0x10 150x20"),
            ],
            "alert_rule_test": [
                alert("ZavhozOutboxFailedGrowing", "19m"),
                alert(
                    "ZavhozOutboxFailedGrowing",
                    "21m",
                    {
                        "exp_labels": label,
                        "exp_annotations": summary("ZavhozOutboxFailedGrowing", value="3"),
                    },
                ),
                alert("ZavhozOutboxFailedGrowing", "40m"),  # no new failures: quiet again
                alert("ZavhozOutboxBacklog", "15m"),
                alert(
                    "ZavhozOutboxBacklog",
                    "25m",
                    {
                        "exp_labels": label,
                        "exp_annotations": summary("ZavhozOutboxBacklog", value="150"),
                    },
                ),
            ],
        },
        {
            # 100 updates a minute, 10 of them failing; Telegram answers 429 every minute.
            "interval": "1m",
            "input_series": [
                series("updates_total", {**BOT, "type": "message", "handler": "h"}, "0+100x20"),
                series("errors_total", {**BOT, "type": "ValueError"}, "0+10x20"),
                series("telegram_api_errors_total", {**BOT, "code": "429"}, "0+1x20"),
                series("telegram_api_errors_total", {**BOT, "code": "403"}, "0+5x20"),
            ],
            "alert_rule_test": [
                alert("ZavhozHandlerErrors", "3m"),
                alert(
                    "ZavhozHandlerErrors",
                    "12m",
                    {
                        "exp_labels": label,
                        "exp_annotations": summary("ZavhozHandlerErrors", value="10%"),
                    },
                ),
                alert("ZavhozTelegramRateLimited", "3m"),
                alert(
                    "ZavhozTelegramRateLimited",
                    "12m",
                    {"exp_labels": label, "exp_annotations": summary("ZavhozTelegramRateLimited")},
                ),
            ],
        },
        {
            # Every update takes between 0.5 and 1 s: p95 is 0.975 s.
            "interval": "1m",
            "input_series": [
                series("handler_latency_seconds_bucket", {**BOT, "handler": "h", "le": le}, values)
                for le, values in (("0.25", "0+0x30"), ("0.5", "0+0x30"), ("1.0", "0+10x30"))
            ]
            + [
                series(
                    "handler_latency_seconds_bucket",
                    {**BOT, "handler": "h", "le": "+Inf"},
                    "0+10x30",
                )
            ],
            "alert_rule_test": [
                alert("ZavhozSlowHandlers", "8m"),
                alert(
                    "ZavhozSlowHandlers",
                    "15m",
                    {
                        "exp_labels": label,
                        "exp_annotations": summary("ZavhozSlowHandlers", value="975ms"),
                    },
                ),
            ],
        },
        {
            # A healthy bot: nothing fires.
            "interval": "1m",
            "input_series": [
                series("probe_success", PROBE, "1x30"),
                series("up", BOT, "1x30"),
                series("outbox_failed", BOT, "2x30"),
                series("outbox_pending", BOT, "3x30"),
                series("updates_total", {**BOT, "type": "message", "handler": "h"}, "0+100x30"),
                series("errors_total", {**BOT, "type": "ValueError"}, "0+1x30"),
                series(
                    "handler_latency_seconds_bucket",
                    {**BOT, "handler": "h", "le": "0.05"},
                    "0+100x30",
                ),
                series(
                    "handler_latency_seconds_bucket",
                    {**BOT, "handler": "h", "le": "+Inf"},
                    "0+100x30",
                ),
            ],
            "alert_rule_test": [alert(rule["alert"], "30m") for rule in alert_rules()],
        },
    ]
    tested = {case["alertname"] for test in tests for case in test["alert_rule_test"]}
    assert tested == {rule["alert"] for rule in alert_rules()}  # a new alert needs a case here
    test_file = rules_file.parent / "alerts-test.yml"
    test_file.write_text(
        yaml.safe_dump(
            {"rule_files": [rules_file.name], "evaluation_interval": "1m", "tests": tests}
        )
    )
    run(promtool, "test", "rules", test_file.name, cwd=rules_file.parent)


# --------------------------------------------------------------- metric names, dashboard


def test_rules_and_dashboard_name_only_metrics_the_bot_exports() -> None:
    known = bot_series() | PROMETHEUS_SERIES
    exprs = [rule["expr"] for rule in alert_rules()] + dashboard_exprs()
    for expr in exprs:
        names = metric_names(expr)
        assert names, expr
        assert names <= known, f"{expr}: unknown {sorted(names - known)}"


def test_metric_name_extraction_sees_through_promql_syntax() -> None:
    """The check above is only as good as this parser: it must not miss a misspelt name."""
    expr = 'histogram_quantile(0.95, sum by (le) (rate(latency_bucket{code="429"}[5m])))'
    assert metric_names(expr) == {"latency_bucket"}
    assert metric_names("max(outbox_faild) - max(outbox_failed offset 15m) > 0") == {
        "outbox_faild",
        "outbox_failed",
    }
    assert "outbox_faild" not in bot_series()


def test_dashboard_shows_what_an_operator_watches() -> None:
    board = dashboard()
    assert board["uid"] == "zavhoz"
    panels = board["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        assert panel["title"], panel
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            assert target["refId"], panel["title"]
    exprs = " ".join(dashboard_exprs())
    for needle in (
        "rate(updates_total",  # updates per second
        "histogram_quantile(0.5,",  # latency p50
        "histogram_quantile(0.95,",  # latency p95
        "errors_total",
        "telegram_api_errors_total",
        "outbox_pending",
        "outbox_failed",
        "requests_by_status",
        "requests_overdue",  # SLA breaches
        "probe_success",
    ):
        assert needle in exprs, needle


def test_dashboard_panels_do_not_overlap() -> None:
    taken: set[tuple[int, int]] = set()
    for panel in dashboard()["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, panel["title"]
        taken |= cells
