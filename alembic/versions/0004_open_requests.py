"""Partial indexes over the open requests: the admin queues and their counts at scale.

The open requests (new, in progress, on hold) are a few percent of the table. The Overdue
queue walks them newest first (created_at, id) and counts them by deadline (due_at); both
partial indexes stay small however many closed requests pile up. SQLite gets them too.

Revision ID: 0004_open_requests
Revises: 0003_outbox
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0004_open_requests"
down_revision: str | None = "0003_outbox"

OPEN = "status IN ('new', 'in_progress', 'on_hold')"


def upgrade() -> None:
    for name, columns in (
        ("ix_requests_open_created_at", ["created_at", "id"]),
        ("ix_requests_open_due_at", ["due_at"]),
    ):
        op.create_index(
            name,
            "requests",
            columns,
            unique=False,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade() -> None:
    op.drop_index("ix_requests_open_due_at", table_name="requests")
    op.drop_index("ix_requests_open_created_at", table_name="requests")
