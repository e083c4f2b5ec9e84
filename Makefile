# ZAVhoz developer commands. `make help` lists them.
#
#   make run    start the bot (SQLite by default; only BOT_TOKEN is needed, in .env or the env)
#   make demo   fill the empty database with a demo school
#   make test   lint, type-check and run the test suite (needs PostgreSQL and Redis)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Interpreter used to create the virtualenv: python3.11 when present, else python3 (>= 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check -q
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help venv run demo setup-link test lint format migrate bench bench-ab bench-data clean lock check-python

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "ZAVhoz needs Python >= 3.11; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." >&2; \
		echo "Install python3.11 or run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }

venv: $(STAMP)

# Re-installs only when pyproject.toml or constraints.txt change.
$(STAMP): pyproject.toml constraints.txt
	@if [ ! -x $(BIN)/python ]; then \
		$(MAKE) --no-print-directory check-python; \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(PIP_INSTALL) -c constraints.txt -e '.[dev]'
	@touch $@

run: venv ## Start the bot (polling; reads .env)
	@mkdir -p data
	$(BIN)/python -m bot

demo: venv ## Fill the (empty) database with a demo school: 50 requests, 3 executors
	@mkdir -p data
	$(BIN)/python -m bot demo

setup-link: venv ## Print a fresh one-time link that makes its opener admin
	@mkdir -p data
	$(BIN)/python -m bot setup-link

test: venv ## ruff, mypy, import contracts, then pytest against PostgreSQL and Redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python tests/check_services.py
	$(BIN)/pytest $(COV_ARGS) $(PYTEST_ARGS)

lint: venv ## ruff check, ruff format --check, mypy, lint-imports (the import contracts)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: venv ## Reformat and apply safe lint fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: venv ## Apply database migrations (alembic upgrade head) to DATABASE_URL
	@mkdir -p data
	$(BIN)/alembic upgrade head

bench: venv ## Run the benchmark (bench/run.py)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-ab: venv ## CPU per update of BASE (default main) vs the working tree, side by side
	$(BIN)/python -m bench.ab --base $(or $(BASE),main) $(BENCH_ARGS)

bench-data: venv ## Seed 1M requests (once), time queues, search, export (bench/data.py)
	$(BIN)/python -m bench.data $(BENCH_ARGS)

lock: check-python ## Regenerate constraints.txt from a fresh virtualenv
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "Resolving dependencies in a fresh virtualenv ($$tmp)"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]'; \
	"$$tmp/venv/bin/python" -m pip freeze --exclude-editable > "$$tmp/constraints.txt"; \
	mv "$$tmp/constraints.txt" constraints.txt; \
	echo "constraints.txt updated ($$(wc -l < constraints.txt) pins); run make venv to apply"

clean: ## Remove caches and build leftovers (keeps .venv and data/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache build dist *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

# ---- CI files, coverage, every Python, git hooks
# Coverage of the product packages on every `make test` (floor: pyproject.toml,
# [tool.coverage.report]); not enforced when PYTEST_ARGS runs a part of the suite.
COV_ARGS ?= --cov --cov-report=term-missing:skip-covered $(if $(strip $(PYTEST_ARGS)),--cov-fail-under=0)
TEST_PYTHONS ?= 3.11 3.12 3.13
FORMS := .github/ISSUE_TEMPLATE/bug.yml .github/ISSUE_TEMPLATE/feature.yml

.PHONY: lint-config test-all hooks

lint: lint-config
test: lint-config

lint-config: venv ## actionlint, hadolint, docker-compose.yml and .github/ against their schemas
	$(BIN)/actionlint
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema -q --builtin-schema vendor.compose-spec docker-compose.yml
	$(BIN)/check-jsonschema -q --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/check-jsonschema -q --builtin-schema vendor.github-issue-forms $(FORMS)
	$(BIN)/check-jsonschema -q --builtin-schema vendor.github-issue-config \
		.github/ISSUE_TEMPLATE/config.yml

# Each Python gets a virtualenv of its own (.venv-3.12, ...): python3.X on PATH, or pyenv's.
test-all: ## make test on Python 3.11, 3.12 and 3.13 (TEST_PYTHONS), one .venv-3.X each
	@for v in $(TEST_PYTHONS); do \
		py=""; \
		for c in "$$(command -v python$$v 2>/dev/null)" \
			$$(ls -d "$(HOME)"/.pyenv/versions/$$v*/bin/python$$v 2>/dev/null | sort -rV); do \
			if [ -n "$$c" ] && "$$c" -c '' 2>/dev/null; then py=$$c; break; fi; \
		done; \
		if [ -z "$$py" ]; then \
			echo "python$$v not found: install it (pyenv install $$v, or apt-get install python$$v)" >&2; \
			exit 1; \
		fi; \
		echo "==> make test on Python $$v ($$py), in .venv-$$v"; \
		$(MAKE) --no-print-directory test VENV=.venv-$$v PYTHON="$$py"; \
	done

hooks: venv ## Install the git pre-commit hooks (.pre-commit-config.yaml)
	$(BIN)/pre-commit install
