"""Planned maintenance: recurring jobs, the checklist items of a request, requests.planned_job_id.

Revision ID: 0009_planned
Revises: 0008_places
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0009_planned"
down_revision: str | None = "0008_places"

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "planned_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column(
            "priority",
            sa.Enum(
                "low", "normal", "high", "urgent", name="priority", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active", "paused", "deleted", name="plannedstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("next_run_at", UTC, nullable=True),
        sa.Column("last_run_at", UTC, nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", UTC, nullable=True),
        sa.Column("created_at", UTC, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", UTC, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_planned_jobs_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_planned_jobs_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_planned_jobs_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_jobs")),
    )
    op.create_index("ix_planned_jobs_status_next_run_at", "planned_jobs", ["status", "next_run_at"])
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("planned_job_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_requests_planned_job_id_planned_jobs",
            "planned_jobs",
            ["planned_job_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_requests_planned_job_id", ["planned_job_id"])
    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "done", "failed", name="itemstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", UTC, nullable=True),
        sa.Column("followup_request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_checklist_items_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["users.id"],
            name=op.f("fk_checklist_items_checked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["followup_request_id"],
            ["requests.id"],
            name=op.f("fk_checklist_items_followup_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
        sa.UniqueConstraint(
            "request_id", "position", name=op.f("uq_checklist_items_request_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("checklist_items")
    with op.batch_alter_table("requests") as batch:
        batch.drop_index("ix_requests_planned_job_id")
        batch.drop_constraint("fk_requests_planned_job_id_planned_jobs", type_="foreignkey")
        batch.drop_column("planned_job_id")
    op.drop_index("ix_planned_jobs_status_next_run_at", table_name="planned_jobs")
    op.drop_table("planned_jobs")
