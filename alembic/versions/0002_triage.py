"""Full-text search over requests (PostgreSQL only): a GIN expression index.

The admin's search matches to_tsvector('simple', description || ' ' || location); this
index serves it. SQLite has no such index: its search is a plain substring fallback.

Revision ID: 0002_triage
Revises: 0001
Create Date: 2026-11-23 19:00:00
"""

from alembic import op

revision: str = "0002_triage"
down_revision: str | None = "0001"

INDEX = "ix_requests_fulltext"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX {INDEX} ON requests USING gin "
        "(to_tsvector('simple'::regconfig, description || ' ' || location))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
