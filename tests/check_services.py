"""Fail fast, with instructions, when the services the test suite needs are not running.

`make test` runs this before pytest. It only opens a TCP connection (or a Unix socket for a
PostgreSQL URL with `?host=/path`), so it needs nothing but the standard library. The URLs
are the ones tests/conftest.py uses: TEST_DATABASE_URL and TEST_REDIS_URL.

Exit status: 0 when every service accepts connections, 1 otherwise.
"""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import parse_qs, urlsplit

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CONNECT_TIMEOUT = 3.0

HOW_TO_START = """\
The test suite runs against real PostgreSQL and Redis; nothing is skipped without them.
Start them in one of these ways:

  * Docker:   docker compose up -d postgres redis
              export TEST_DATABASE_URL=postgresql+asyncpg://zavhoz:zavhoz@127.0.0.1:5432/zavhoz
              (compose publishes both on 127.0.0.1; the zavhoz role may create databases)
  * Debian:   apt-get install postgresql redis-server
              pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
              redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""
              (or: systemctl start postgresql redis-server)
  * CI:       bash .ci/run  (installs and starts both, then runs make test)

The tests connect as TEST_DATABASE_URL (default {db}) and
TEST_REDIS_URL (default {redis}); the PostgreSQL user must be able to create databases.
"""


def endpoint(url: str, default_port: int) -> tuple[str, str | int]:
    """(host, port) for a TCP service, or ("unix", path) for a Unix-socket URL."""
    parts = urlsplit(url)
    socket_dir = parse_qs(parts.query).get("host", [""])[0]
    if not parts.hostname and socket_dir.startswith("/"):
        port = parts.port or default_port
        return "unix", f"{socket_dir.rstrip('/')}/.s.PGSQL.{port}"
    return parts.hostname or "127.0.0.1", parts.port or default_port


def reachable(host: str, port: str | int) -> str | None:
    """None when a connection succeeds, else the reason it did not."""
    try:
        if host == "unix":
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(CONNECT_TIMEOUT)
                sock.connect(str(port))
        else:
            with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
                pass
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
    return None


def main() -> int:
    database_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    services = {
        "PostgreSQL": endpoint(database_url, 5432),
        "Redis": endpoint(redis_url, 6379),
    }
    missing = []
    for name, (host, port) in services.items():
        where = str(port) if host == "unix" else f"{host}:{port}"
        problem = reachable(host, port)
        if problem is None:
            print(f"check_services: {name} is reachable at {where}")
        else:
            missing.append(f"  {name} at {where}: {problem}")
    if not missing:
        return 0
    print("check_services: required services are not reachable:", file=sys.stderr)
    print("\n".join(missing), file=sys.stderr)
    print(file=sys.stderr)
    print(HOW_TO_START.format(db=DEFAULT_DATABASE_URL, redis=DEFAULT_REDIS_URL), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
