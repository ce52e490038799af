"""The store opens any SQLAlchemy URL and migrates older schemas forward."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from tracker.errors import ConfigError
from tracker.store import models  # noqa: F401
from tracker.store.engine import create_store_engine, migrate, open_store
from tracker.store.models import Link, Paper


def test_open_store_creates_every_table(db_url: str) -> None:
    engine = open_store(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"paper", "link", "observation", "scorecard", "audit", "alembic_version"} <= tables


def test_migrations_match_the_models(db_url: str) -> None:
    """The migrations build exactly the schema the SQLModel tables describe."""
    engine = open_store(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    # Index/constraint naming differs harmlessly between dialects; columns and tables must not.
    significant = [d for d in diff if d[0] in ("add_table", "remove_table", "add_column",
                                               "remove_column", "modify_type", "modify_nullable")]
    assert significant == []


def test_a_database_made_by_an_older_version_keeps_its_data(db_url: str) -> None:
    engine = create_store_engine(db_url)
    migrate(engine, "0001")  # the first released schema: papers and links only
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO paper (title, title_key, created_at, updated_at) "
                "VALUES ('Old paper', 'old paper', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    assert "observation" not in inspect(engine).get_table_names()

    engine = open_store(db_url)  # what every start does

    assert "observation" in inspect(engine).get_table_names()
    with Session(engine) as session:
        assert [p.title for p in session.exec(select(Paper))] == ["Old paper"]


def test_deleting_a_paper_deletes_its_links(db_url: str) -> None:
    engine = open_store(db_url)
    with Session(engine) as session:
        paper = Paper(title="x", title_key="x")
        session.add(paper)
        session.flush()
        session.add(Link(paper_id=paper.id, url="https://github.com/o/r", kind="github_repo",
                         host="github.com", target="o/r"))
        session.commit()
        session.delete(paper)
        session.commit()
        assert session.exec(select(Link)).all() == []


def test_a_malformed_database_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="database.url"):
        create_store_engine("not a url at all")


def test_an_unknown_database_driver_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="unsupported database URL"):
        create_store_engine("nosuchdb://localhost/x")
