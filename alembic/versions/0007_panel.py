"""The web panel: one-time login links and browser sessions (hashes only).

Revision ID: 0007_panel
Revises: 0006_setup
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0007_panel"
down_revision: str | None = "0006_setup"


def upgrade() -> None:
    op.create_table(
        "panel_login_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_panel_login_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_login_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_panel_login_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_panel_login_tokens_user_id"), "panel_login_tokens", ["user_id"], unique=False
    )
    op.create_table(
        "panel_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_panel_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_panel_sessions_token_hash")),
    )
    op.create_index(op.f("ix_panel_sessions_user_id"), "panel_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_panel_sessions_user_id"), table_name="panel_sessions")
    op.drop_table("panel_sessions")
    op.drop_index(op.f("ix_panel_login_tokens_user_id"), table_name="panel_login_tokens")
    op.drop_table("panel_login_tokens")
