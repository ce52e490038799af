"""A lean history: large facts, validators, findings, figures and weights stored once by digest.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Existing rows are moved: each large JSON value goes to the new `content` table (once per
distinct value) and its row keeps `{"$content": DIGEST}` (see tracker.store.content).
Downgrading puts every body back inline.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.store.content import (
    NESTED,
    compact_value,
    expand_value,
    hex_digest,
    restyled,
    store_bodies,
)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = {"observation": ("facts", "validators"),
           "scorecard": ("findings", "figures", "weights")}
BATCH = 2000


def _table(name: str, columns: tuple[str, ...]) -> sa.Table:
    return sa.table(name, sa.column("id", sa.Integer),
                    *(sa.column(column, sa.JSON) for column in columns))


def _rewrite(connection: sa.Connection, name: str, columns: tuple[str, ...],
             change: Any) -> None:
    """Rewrite each row's columns through `change(column, value)`, a batch at a time."""
    table = _table(name, columns)
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            values = {}
            for column in columns:
                old = getattr(row, column)
                new = change(column, old)
                if new != old:
                    values[column] = new
            if values:
                connection.execute(table.update().where(table.c.id == row.id).values(**values))
        last = rows[-1].id


def upgrade() -> None:
    op.create_table(
        "content",
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    connection = op.get_bind()

    def by_reference(column: str, value: Any) -> Any:
        # In this revision's own form (hex digests, "$content"): 0009 moves it to today's.
        bodies: dict[str, Any] = {}
        compacted = compact_value(value, bodies, nested=column in NESTED)
        store_bodies(connection, {hex_digest(d): restyled(b, legacy=True)
                                  for d, b in bodies.items()})  # skips what is stored
        return restyled(compacted, legacy=True)

    for name, columns in COLUMNS.items():
        _rewrite(connection, name, columns, by_reference)


def downgrade() -> None:
    connection = op.get_bind()

    def inline(_column: str, value: Any) -> Any:
        return expand_value(connection, value)

    for name, columns in COLUMNS.items():
        _rewrite(connection, name, columns, inline)
    op.drop_table("content")
