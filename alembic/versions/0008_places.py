"""Places: a catalogue of rooms with deep-link codes, and followers of a request.

Every existing request keeps its free-text `location`; `place_id` starts empty and is set
when a request is filed for a catalogued place (or an admin attaches a text to a place).

Revision ID: 0008_places
Revises: 0007_panel
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008_places"
down_revision: str | None = "0007_panel"


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("building", sa.String(length=64), nullable=True),
        sa.Column("floor", sa.String(length=16), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("code", name=op.f("uq_places_code")),
        sa.UniqueConstraint("key", name=op.f("uq_places_key")),
    )
    op.create_table(
        "request_followers",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_followers_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_request_followers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "user_id", name=op.f("pk_request_followers")),
    )
    op.create_index(
        op.f("ix_request_followers_user_id"), "request_followers", ["user_id"], unique=False
    )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("follower_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch.create_index(batch.f("ix_requests_place_id"), ["place_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_requests_place_id_places"),
            "places",
            ["place_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_constraint(batch.f("fk_requests_place_id_places"), type_="foreignkey")
        batch.drop_index(batch.f("ix_requests_place_id"))
        batch.drop_column("follower_count")
        batch.drop_column("place_id")
    op.drop_index(op.f("ix_request_followers_user_id"), table_name="request_followers")
    op.drop_table("request_followers")
    op.drop_table("places")
