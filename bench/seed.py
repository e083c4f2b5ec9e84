"""`make bench-data`: a school after years of use — 50,000 users and 1,000,000 requests.

Seeded in PostgreSQL with generate_series (seconds, not minutes), into its own database
(`BENCH_DATABASE_URL`, default `zavhoz_bench_data` on the local server), migrated with
Alembic first. Then `bench.data` measures the admin queues, search and the export on it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg

from bench.database import asyncpg_dsn, recreate

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench_data"

USERS_SQL = """
INSERT INTO users (telegram_id, username, full_name, phone, role, language,
                   is_blocked, bot_blocked, created_at, updated_at)
SELECT 70000000 + g,
       'user' || g,
       (ARRAY['Анна','Иван','Мария','Олег','Елена','Пётр','Ольга','Сергей'])[1 + g % 8]
         || ' ' || (ARRAY['Иванова','Петров','Сидорова','Кузнецов','Смирнова'])[1 + g % 5]
         || ' ' || g,
       '+7900' || lpad((g % 10000000)::text, 7, '0'),
       CASE WHEN g <= 3 THEN 'admin' WHEN g <= 25 THEN 'executor' ELSE 'user' END,
       CASE WHEN g % 10 = 0 THEN 'en' ELSE 'ru' END,
       false, false,
       now() - make_interval(mins => g), now()
FROM generate_series(1, $1::int) AS g
"""

# The newest 2 % are still open (spread over new / in progress / on hold / done); the rest
# closed, rejected or cancelled. Request g was filed g * 90 s ago (about three years).
REQUESTS_SQL = """
INSERT INTO requests (author_id, category_id, location, description, priority, status,
                      assignee_id, due_at, created_at, updated_at, first_response_at,
                      done_at, closed_at, rating)
SELECT s.author_id, s.category_id, s.location, s.description, s.priority, s.status,
       CASE WHEN s.status = 'new' THEN NULL ELSE s.assignee_id END,
       s.created_at + CASE s.priority WHEN 'urgent' THEN interval '4 hours'
                                      WHEN 'high' THEN interval '24 hours'
                                      WHEN 'normal' THEN interval '72 hours'
                                      ELSE interval '168 hours' END,
       s.created_at, s.created_at,
       CASE WHEN s.status = 'new' THEN NULL ELSE s.created_at + interval '2 hours' END,
       CASE WHEN s.status IN ('done', 'closed') THEN s.created_at + interval '30 hours' END,
       CASE WHEN s.status IN ('closed', 'rejected', 'cancelled')
            THEN s.created_at + interval '40 hours' END,
       CASE WHEN s.status = 'closed' AND s.g % 3 = 0 THEN 1 + s.g % 5 END
FROM (
  SELECT g,
         (4 + (g::bigint * 7919) % ($2::int - 3))::int AS author_id,
         1 + g % 8 AS category_id,
         'каб. ' || (100 + g % 300) AS location,
         (ARRAY['Течёт кран у раковины', 'Не работает розетка у доски',
                'Сломан стул, шатается ножка', 'Не закрывается окно',
                'Холодная батарея', 'Проектор не включается', 'Перегорела лампа',
                'Заедает замок двери'])[1 + g % 8] || ', заявка ' || g AS description,
         (ARRAY['low', 'normal', 'normal', 'high', 'urgent'])[1 + g % 5] AS priority,
         CASE WHEN g <= $1::int / 50
              THEN (ARRAY['new', 'in_progress', 'on_hold', 'done'])[1 + g % 4]
              ELSE (ARRAY['closed', 'closed', 'closed', 'closed', 'closed', 'closed',
                          'closed', 'closed', 'rejected', 'cancelled'])[1 + g % 10]
         END AS status,
         1 + g % 25 AS assignee_id,
         now() - make_interval(secs => g * 90) AS created_at
  FROM generate_series(1, $1::int) AS g
) AS s
"""


async def seed(url: str, requests: int, users: int) -> None:
    await recreate(url)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        started = time.perf_counter()
        # Bulk load: the data is generated consistent, so skip per-row FK triggers
        # (superuser only; the local test server's postgres user is one).
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute(USERS_SQL, users)
        await conn.execute(REQUESTS_SQL, requests, users)
        # A settled database, as autovacuum keeps it: statistics, the visibility map (for
        # index-only scans) and the full-text index's pending list merged.
        await conn.execute("VACUUM ANALYZE")
        took = time.perf_counter() - started
        count = await conn.fetchval("SELECT count(*) FROM requests")
        size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await conn.close()
    print(f"seeded {users:,} users and {count:,} requests in {took:.1f} s ({size})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    asyncio.run(seed(args.database_url, args.requests, args.users))


if __name__ == "__main__":
    main()
