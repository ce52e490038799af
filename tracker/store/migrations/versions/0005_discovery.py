"""Discovery: link states, fuzzy arXiv identifications, and the look-up cache.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link") as batch:
        batch.add_column(
            sa.Column("state", sa.String(), nullable=False, server_default="active")
        )
    op.create_table(
        "paper_match",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "paper_id",
            sa.Integer(),
            sa.ForeignKey("paper.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("arxiv_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("provenance", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("paper_id", "arxiv_id", name="uq_paper_match"),
    )
    op.create_index("ix_paper_match_paper_id", "paper_match", ["paper_id"])
    op.create_table(
        "lookup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key", name="uq_lookup_key"),
    )


def downgrade() -> None:
    op.drop_table("lookup")
    op.drop_index("ix_paper_match_paper_id", table_name="paper_match")
    op.drop_table("paper_match")
    with op.batch_alter_table("link") as batch:
        batch.drop_column("state")
