"""The database engine and its schema: open any SQLAlchemy URL and migrate it to head."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlmodel import Session, create_engine

from tracker.errors import ConfigError
from tracker.store import content  # noqa: F401  (loads expand content references)
from tracker.store.faults import database_failure, refuse_newer_schema

MIGRATIONS = Path(__file__).parent / "migrations"


BUSY_TIMEOUT_MS = 30_000  # how long a SQLite connection waits for the write lock


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_wal(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Write-ahead logging: readers never wait for the writer, and a commit is one append.

    synchronous=NORMAL is safe in WAL mode (a crash of the process loses nothing committed;
    only a power cut may lose the last commits). The mode is a property of the file, so
    setting it on every connection is cheap after the first.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def compact_json(value: Any) -> str:
    """JSON columns as written: no spaces after separators (a few bytes on every row)."""
    return json.dumps(value, separators=(",", ":"))


def create_store_engine(url: str) -> Engine:
    """An engine for `url` (SQLite file, in-memory SQLite, PostgreSQL ...); bad URLs exit 2."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {url!r}", key="database.url") from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we ship
    kwargs: dict[str, object] = {"json_serializer": compact_json}
    on_disk = False
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            on_disk = True
        kwargs["connect_args"] = {"check_same_thread": False}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise ConfigError(f"unsupported database URL: {exc}", key="database.url") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if on_disk:  # an in-memory database has no file to log ahead of
            event.listen(engine, "connect", _sqlite_wal)
    return engine


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (applied automatically on every start)."""
    config = alembic_config()
    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.begin() as connection:
            refuse_newer_schema(connection, config, url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except DBAPIError as exc:
        failure = database_failure(exc, url)
        if failure is None:
            raise
        raise failure from exc


def open_store(url: str) -> Engine:
    """An engine whose schema is migrated to the newest version."""
    engine = create_store_engine(url)
    migrate(engine)
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed at the end of the block, or rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
