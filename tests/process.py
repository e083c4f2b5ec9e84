"""Running a real `python -m bot` (or `python -m panel`) process for process-level tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def without_coverage(env: dict[str, str]) -> dict[str, str]:
    """The environment of a process whose start-up a test times (coverage's own start-up
    would be what it measures)."""
    return {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}


def bot_env(**settings: str) -> dict[str, str]:
    """A clean environment: only what the test gives, plus what Python needs."""
    # COVERAGE_PROCESS_CONFIG: `make test` measures these processes too (coverage's
    # subprocess patch sets it); `without_coverage` drops it.
    kept = ("PATH", "HOME", "LANG", "TMPDIR", "COVERAGE_PROCESS_CONFIG")
    env = {k: v for k, v in os.environ.items() if k in kept}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("METRICS_PORT", "0")
    env.setdefault("PANEL_PORT", "0")
    env.update(settings)
    return env


@asynccontextmanager
async def bot_process(
    env: dict[str, str], cwd: Path, module: str = "bot"
) -> AsyncIterator[asyncio.subprocess.Process]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def output_of(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    return (await proc.stdout.read()).decode(errors="replace")
