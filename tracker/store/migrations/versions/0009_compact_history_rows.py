"""A leaner re-audit: short references, evidence lines stored once, slimmer indexes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Measured on SQLite, an unchanged re-audit added about 600 bytes a paper, most of it per-row
repetition: 47-byte references (`{"$content": HEX}`), evidence lines that recur audit after
audit (a link's own request line, or the GraphQL batch line 25 repositories share), and a
timestamp copied into two indexes. This revision moves existing data to the compact form:

- every reference becomes `{"$c": DIGEST}` with the same 128-bit digest in base64url (22
  characters instead of 32; re-encoded, not re-hashed), `"$criteria"` becomes `"$v"`, in rows
  and in the bodies that refer to other bodies (findings);
- each evidence line of 40 bytes or more goes to `content`, its row keeps the reference;
- the indexes (link_id, checked_at) and (paper_id, created_at) become (link_id) and
  (paper_id): newest rows are found by id, and a link's or paper's rows are few.

Downgrading restores 0007's form (hex references, evidence inline, the old indexes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from tracker.store.content import (
    compact_items,
    expand_items,
    hex_digest,
    restyled,
    short_digest,
    store_bodies,
)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = {"observation": ("facts", "validators", "evidence"),
           "scorecard": ("findings", "figures", "weights")}
BATCH = 2000


def _table(name: str, columns: tuple[str, ...]) -> sa.Table:
    return sa.table(name, sa.column("id", sa.Integer),
                    *(sa.column(column, sa.JSON) for column in columns))


def _rewrite(connection: sa.Connection, name: str, columns: tuple[str, ...],
             change: Callable[[str, Any], Any]) -> None:
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


def _rewrite_bodies(connection: sa.Connection, digest: Callable[[str], str],
                    body: Callable[[Any], Any]) -> None:
    """Re-key every content body and rewrite the references inside it."""
    content = sa.table("content", sa.column("digest", sa.String), sa.column("body", sa.JSON))
    digests = list(connection.execute(sa.select(content.c.digest)).scalars())
    for start in range(0, len(digests), BATCH):
        wanted = digests[start:start + BATCH]
        rows = connection.execute(
            sa.select(content).where(content.c.digest.in_(wanted))).all()
        for row in rows:
            new_digest, new_body = digest(row.digest), body(row.body)
            if new_digest != row.digest or new_body != row.body:
                connection.execute(content.update().where(content.c.digest == row.digest)
                                   .values(digest=new_digest, body=new_body))


def _swap_indexes(old: dict[str, tuple[str, list[str]]],
                  new: dict[str, tuple[str, list[str]]]) -> None:
    for name, (table, _) in old.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in new.items():
        op.create_index(name, table, columns)


OLD_INDEXES = {"ix_observation_link_checked": ("observation", ["link_id", "checked_at"]),
               "ix_scorecard_paper_created": ("scorecard", ["paper_id", "created_at"])}
NEW_INDEXES = {"ix_observation_link": ("observation", ["link_id"]),
               "ix_scorecard_paper": ("scorecard", ["paper_id"])}


def upgrade() -> None:
    connection = op.get_bind()
    _rewrite_bodies(connection, short_digest, restyled)

    def compact(column: str, value: Any) -> Any:
        if column == "evidence":
            bodies: dict[str, Any] = {}
            items = compact_items(value, bodies)
            store_bodies(connection, bodies)  # skips what is already stored
            return items
        return restyled(value)

    for name, columns in COLUMNS.items():
        _rewrite(connection, name, columns, compact)
    _swap_indexes(OLD_INDEXES, NEW_INDEXES)


def downgrade() -> None:
    connection = op.get_bind()

    def legacy(column: str, value: Any) -> Any:
        if column == "evidence":
            return expand_items(connection, value)
        return restyled(value, legacy=True)

    for name, columns in COLUMNS.items():
        _rewrite(connection, name, columns, legacy)
    content = sa.table("content", sa.column("digest", sa.String), sa.column("body", sa.JSON))
    # Evidence lines are the only bodies that are plain strings: nothing refers to them now.
    lines = [row.digest for row in connection.execute(sa.select(content))
             if isinstance(row.body, str)]
    for start in range(0, len(lines), BATCH):
        connection.execute(content.delete().where(
            content.c.digest.in_(lines[start:start + BATCH])))
    _rewrite_bodies(connection, hex_digest, lambda body: restyled(body, legacy=True))
    _swap_indexes(NEW_INDEXES, OLD_INDEXES)
