"""The GitHub workflows do what CONTRIBUTING.md and the README promise.

actionlint (in `make lint`) checks that they are valid workflows; these tests check what
they do: CI tests every Python that `make test-all` tests, and the release notes are the
tag's section of CHANGELOG.md (the workflow's own script, run here with bash).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.process import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"

CHANGELOG = """\
# Changelog

## [Unreleased]

- Something not released yet.

## [1.2.0] - 2026-12-01

### Added
- Recurring maintenance tasks.

### Fixed
- The export's date range.

## [1.1.0] - 2026-10-01

- An older change.

[1.2.0]: https://example.invalid/compare/v1.1.0...v1.2.0
"""


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    return data


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    [found] = [s for s in job["steps"] if s.get("name") == name]
    return found


def release_notes(tmp_path: Path, tag: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    script = step(workflow("release.yml")["jobs"]["notes"], "Release notes from CHANGELOG.md")
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script["run"]],
        cwd=tmp_path,
        env={"TAG": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_ci_tests_every_python_that_make_test_all_tests() -> None:
    job = workflow("ci.yml")["jobs"]["test"]
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    match = re.search(r"^TEST_PYTHONS \?= (.+)$", makefile, re.M)
    assert match is not None
    assert job["strategy"]["matrix"]["python"] == match.group(1).split()
    assert job["services"]["postgres"]["image"] == "postgres:16"
    assert job["services"]["redis"]["image"] == "redis:7"
    assert step(job, "make test")["run"].startswith("make test ")


def test_release_notes_are_the_tags_section_of_the_changelog(tmp_path: Path) -> None:
    done = release_notes(tmp_path, "v1.2.0")
    assert done.returncode == 0, done.stderr
    notes = (tmp_path / "release-notes.md").read_text()
    assert notes.strip().splitlines() == [
        "### Added",
        "- Recurring maintenance tasks.",
        "",
        "### Fixed",
        "- The export's date range.",
    ]


def test_a_tag_without_a_changelog_section_stops_the_release(tmp_path: Path) -> None:
    done = release_notes(tmp_path, "v1.3.0")
    assert done.returncode != 0
    assert "CHANGELOG.md has no section for [1.3.0]" in done.stderr
