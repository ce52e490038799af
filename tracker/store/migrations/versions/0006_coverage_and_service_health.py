"""Honest scorecards: each scorecard's coverage and status, each audit's service health.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Scorecards written before this revision have no coverage or status (NULL): they were graded
on whatever was seen, and `reprotrack rescore` re-judges them from their observations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scorecard") as batch:
        batch.add_column(sa.Column("coverage", sa.Float(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(), nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(
            sa.Column("services", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("services")
    with op.batch_alter_table("scorecard") as batch:
        batch.drop_column("status")
        batch.drop_column("coverage")
