"""Outbox leases: claim a row for a while instead of holding a lock across the network call.

Revision ID: 0003_outbox
Revises: 0002_triage
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0003_outbox"
down_revision: str | None = "0002_triage"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_outbox_pending_chat_id_id",
        "outbox",
        ["chat_id", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_pending_chat_id_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claim_token")
        batch.drop_column("claimed_until")
