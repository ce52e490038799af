"""Scorecards: one row per paper per check or audit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorecard",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "paper_id", sa.Integer(), sa.ForeignKey("paper.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(), nullable=True),
        sa.Column("checklist", sa.Integer(), nullable=False),
        sa.Column("promise_unfulfilled", sa.Boolean(), nullable=False),
        sa.Column("best_code_url", sa.String(), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scorecard_paper_created", "scorecard", ["paper_id", "created_at"])
    op.create_index("ix_scorecard_audit_id", "scorecard", ["audit_id"])


def downgrade() -> None:
    op.drop_table("scorecard")
