# syntax=docker/dockerfile:1
# ZAVhoz bot image: `docker build -t zavhoz .`, then `docker run -e BOT_TOKEN=... zavhoz`
# (SQLite in /app/data) or `docker compose up -d` (PostgreSQL + Redis).

# ---- build: install the project and its pinned dependencies into a virtualenv
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
# Dependencies first, so a code change does not re-download them.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir -p bot handlers models database utils panel \
 && pip install -c constraints.txt . \
 && pip uninstall -y zavhoz
COPY bot/ bot/
COPY handlers/ handlers/
COPY models/ models/
COPY database/ database/
COPY utils/ utils/
COPY panel/ panel/
RUN pip install --no-deps -c constraints.txt .

# ---- runtime
FROM python:3.11-slim

LABEL org.opencontainers.image.title="ZAVhoz" \
      org.opencontainers.image.description="Telegram bot for repair requests in a school" \
      org.opencontainers.image.licenses="MIT"

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOG_FORMAT=json \
    MPLCONFIGDIR=/tmp/matplotlib

RUN groupadd --system --gid 10001 zavhoz \
 && useradd --system --uid 10001 --gid zavhoz --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin zavhoz \
 && mkdir -p /app/data \
 && chown zavhoz:zavhoz /app/data

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The bot applies migrations at start (AUTO_MIGRATE=true); it finds alembic.ini in /app.
COPY alembic.ini ./
COPY alembic/ alembic/

USER 10001:10001

# 8080: webhook (when WEBHOOK_URL is set); 9090: /metrics and /healthz; 8000: the web panel.
EXPOSE 8000 8080 9090

# Sends METRICS_TOKEN (from the environment or /run/secrets/metrics_token) when it is set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, pathlib, urllib.request as u; f = pathlib.Path('/run/secrets/metrics_token'); t = os.environ.get('METRICS_TOKEN') or (f.read_text().strip() if f.is_file() else ''); u.urlopen(u.Request('http://127.0.0.1:9090/healthz', headers={'Authorization': 'Bearer ' + t} if t else {}), timeout=4)"]

CMD ["python", "-m", "bot"]
