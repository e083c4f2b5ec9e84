"""Where an admin role came from: users.role_before_admin_ids.

Set when ADMIN_IDS makes someone an admin (the role they had before); NULL when the role
is the table's own. Removing the id from ADMIN_IDS gives that role back.

Revision ID: 0005_role_source
Revises: 0004_open_requests
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0005_role_source"
down_revision: str | None = "0004_open_requests"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "role_before_admin_ids",
                sa.Enum("user", "executor", "admin", name="role", native_enum=False, length=16),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("role_before_admin_ids")
