"""Latency statistics, the printed table and the JSON file two runs can be compared by."""

from __future__ import annotations

import json
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None


@dataclass
class Report:
    title: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        at_most: float | None = None,
        at_least: float | None = None,
    ) -> None:
        target, ok = "", None
        if at_most is not None:
            target, ok = f"≤ {at_most:g}", value <= at_most
        elif at_least is not None:
            target, ok = f"≥ {at_least:g}", value >= at_least
        self.figures.append(Figure(name, round(value, 3), unit, target, ok))

    def table(self) -> str:
        width = max(len(f.name) for f in self.figures) + 2
        lines = [self.title, "-" * (width + 40)]
        for f in self.figures:
            mark = "" if f.ok is None else ("  ok" if f.ok else "  MISSED")
            lines.append(f"{f.name:<{width}}{f.value:>12,.2f} {f.unit:<8}{f.target:>10}{mark}")
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "title": self.title,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": __import__("os").cpu_count(),
            },
            "figures": [asdict(f) for f in self.figures],
            "details": self.details,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2))


def summary_ms(latencies_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies_s]
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
        "max": max(ms),
    }
