"""Audits, and the audit each observation belongs to.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paper_ids", sa.JSON(), nullable=False),
        sa.Column("papers_total", sa.Integer(), nullable=False),
        sa.Column("papers_done", sa.Integer(), nullable=False),
        sa.Column("links_checked", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("requests", sa.JSON(), nullable=False),
        sa.Column("not_modified", sa.JSON(), nullable=False),
        sa.Column("rate_limit_waits", sa.JSON(), nullable=False),
        sa.Column("message", sa.String(), nullable=True),
        sa.Column("host", sa.String(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
    )
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("audit_id", sa.Integer(), nullable=True))
        batch.create_index("ix_observation_audit_id", ["audit_id"])


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_index("ix_observation_audit_id")
        batch.drop_column("audit_id")
    op.drop_table("audit")
