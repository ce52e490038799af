"""The task queue of a store: a procrastinate app on the store's own PostgreSQL database."""

from __future__ import annotations

from typing import Any

from procrastinate import App, PsycopgConnector, RetryStrategy
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import Engine, make_url

from tracker.errors import InputError
from tracker.store.distributed import install_queue_schema

CHUNK_TASK = "reprotrack.audit_chunk"
# A chunk that raised (the database went away, a bug) is tried again a little later; a dead
# worker's chunk is retried by the others without counting an attempt (tracker.distributed.worker).
CHUNK_RETRY = RetryStrategy(max_attempts=3, wait=2)


def require_postgres(engine: Engine) -> None:
    """InputError (exit 2) unless the store is PostgreSQL: the queue lives in it."""
    if engine.dialect.name != "postgresql":
        raise InputError(
            f"distributed audits need a PostgreSQL store (this one is {engine.dialect.name}); "
            "give one with --db postgresql+psycopg://...",
            key="--db",
        )


def connection_info(engine: Engine) -> str:
    """The libpq URI of the store (the SQLAlchemy driver name dropped, options kept)."""
    url = make_url(engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def queue_name(audit_id: int) -> str:
    """The queue of one audit's chunks, so that its jobs can be listed by audit."""
    return f"reprotrack-audit-{audit_id}"


def make_app(engine: Engine, *, max_connections: int = 4) -> App:
    """The procrastinate app on the store's database (not opened), with the chunk task."""
    from tracker.distributed.chunk_job import run_chunk_job

    connector = PsycopgConnector(conninfo=connection_info(engine), min_size=1,
                                 max_size=max_connections)
    app = App(connector=connector)
    app.task(name=CHUNK_TASK, pass_context=True, retry=CHUNK_RETRY)(run_chunk_job)
    return app


def install_schema(engine: Engine) -> bool:
    """Create procrastinate's tables in the store unless they are there (True: created now)."""
    return install_queue_schema(engine, SchemaManager.get_schema())


def chunk_args(
    audit_id: int, paper_ids: list[int], weights: dict[str, float], last_known_days: float
) -> dict[str, Any]:
    """A chunk job's arguments: ids and scoring settings, never a token."""
    return {"audit_id": audit_id, "paper_ids": paper_ids, "weights": weights,
            "last_known_days": last_known_days}
