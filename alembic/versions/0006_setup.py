"""The first five minutes: one-time setup codes and the staff group binding.

`setup_codes` keeps only the SHA-256 of each code (the link itself is shown once, on the
console); `chat_bindings` remembers the group (and forum topic) that receives new requests
once an admin sends /here there.

Revision ID: 0006_setup
Revises: 0005_role_source
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0006_setup"
down_revision: str | None = "0005_role_source"


def upgrade() -> None:
    op.create_table(
        "setup_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["used_by_id"],
            ["users.id"],
            name=op.f("fk_setup_codes_used_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_setup_codes_code_hash")),
    )
    op.create_table(
        "chat_bindings",
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("bound_by_id", sa.Integer(), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bound_by_id"],
            ["users.id"],
            name=op.f("fk_chat_bindings_bound_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("purpose", name=op.f("pk_chat_bindings")),
    )


def downgrade() -> None:
    op.drop_table("chat_bindings")
    op.drop_table("setup_codes")
