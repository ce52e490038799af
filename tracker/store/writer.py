"""One writer thread that appends observations and scorecards in batches.

Observation workers and the scorer hand rows to a `StoreWriter` instead of opening a
transaction each: one thread on one connection commits them, a batch per transaction (what
arrived within `linger` seconds, at most `batch_size` rows). On SQLite this replaces a commit
per observation from many threads (each waiting for the file's write lock) by a few commits
per second from one; on PostgreSQL it saves the round trips.

What a crash can lose is what was queued and not yet committed: at most one batch and what
came during the linger.

A `Checkpoint` (the audit's request ledger) is written in every batch's transaction, and on
its own whenever it is `due()` and no row came for `idle_commit` seconds: what an audit spent
is on disk within that interval of being spent, whether or not observations are coming. `flush()` returns once everything handed over before it is
committed (the audit flushes before it counts progress, scores a chunk, or finishes), and
re-raises a failure of the writer in the caller's thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.engine import Connection, Engine

from tracker.kernel import Observation
from tracker.store.content import compact_rows
from tracker.store.models import ObservationRecord, ScorecardRecord

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
DEFAULT_LINGER = 0.05  # seconds a batch waits for more rows before it is committed
DEFAULT_IDLE_COMMIT = 0.25  # seconds without rows before a due checkpoint is written alone


class Checkpoint(Protocol):
    """Figures written with every batch (and alone when due): an audit's request ledger."""

    def due(self) -> bool:
        """True when the figures changed since they were last written."""
        ...

    def write(self, connection: Connection) -> None:
        """Write the figures as they are now, in the caller's transaction."""
        ...


@dataclass(frozen=True)
class _Flush:
    """A marker in the queue: set `done` once every row before it is committed."""

    done: threading.Event


_STOP = object()


def observation_row(
    link_id: int, observation: Observation, audit_id: int | None
) -> dict[str, Any]:
    """The stored columns of one observation of one link."""
    return {
        "link_id": link_id,
        "audit_id": audit_id,
        "service": observation.service,
        "status": str(observation.status),
        "facts": observation.facts,
        "evidence": list(observation.evidence),
        "validators": dict(observation.validators),
        "reason": observation.reason,
        "requests": observation.requests,
        "unchanged": observation.unchanged,
        "checked_at": observation.checked_at,
    }


class StoreWriter:
    """Appends rows from any thread; one thread commits them in batches. A context manager."""

    def __init__(
        self, engine: Engine, *, batch_size: int = DEFAULT_BATCH_SIZE,
        linger: float = DEFAULT_LINGER, checkpoint: Checkpoint | None = None,
        idle_commit: float = DEFAULT_IDLE_COMMIT,
    ) -> None:
        self.engine = engine
        self.batch_size = max(1, batch_size)
        self.linger = linger
        self.checkpoint = checkpoint
        self.idle_commit = idle_commit
        self.commits = 0  # transactions committed (the benchmark and tests read it)
        self.rows = 0
        self._queue: queue.Queue[Any] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    # -- handing rows over ---------------------------------------------------------------
    def observation(
        self, link_ids: Iterable[int], observation: Observation, *, audit_id: int | None
    ) -> None:
        """Queue one observation for each of these links (the same look, several papers)."""
        self._raise_failure()
        for link_id in link_ids:
            self._queue.put((ObservationRecord, observation_row(link_id, observation, audit_id)))

    def scorecards(self, rows: Sequence[dict[str, Any]]) -> None:
        """Queue scorecard rows (columns of `ScorecardRecord`)."""
        self._raise_failure()
        for row in rows:
            self._queue.put((ScorecardRecord, row))

    def flush(self) -> None:
        """Wait until everything queued so far is committed; re-raise a writer failure."""
        if self._thread.is_alive():
            done = threading.Event()
            self._queue.put(_Flush(done))
            while not done.wait(0.5):
                if not self._thread.is_alive():
                    break
        self._raise_failure()

    def close(self) -> None:
        """Commit what is queued and stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self._raise_failure()

    def __enter__(self) -> StoreWriter:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:  # still commit what was observed: it cost requests, and resume relies on it
            try:
                self.close()
            except Exception as exc:  # the exception already on its way matters more
                # One line: a database error's text may carry SQL parameters (view_only keys).
                log.warning("the store writer failed while the block was failing: %s",
                            type(exc).__name__)

    # -- the writer thread ---------------------------------------------------------------
    def _raise_failure(self) -> None:
        if self._error is not None:
            # The database's own error, so that the CLI names the fault (exit 3, one line).
            raise self._error

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[tuple[type, dict[str, Any]]] = []
            flushes: list[_Flush] = []
            try:
                item = self._queue.get(timeout=self.idle_commit if self.checkpoint else None)
            except queue.Empty:  # no rows lately: the checkpoint alone, if it moved
                if self.checkpoint is not None and self.checkpoint.due():
                    self._write([], checkpoint_only=True)
                continue
            deadline = time.monotonic() + self.linger
            while True:
                if item is _STOP:
                    stopping = True
                elif isinstance(item, _Flush):
                    flushes.append(item)
                else:
                    batch.append(item)
                if stopping or flushes or len(batch) >= self.batch_size:
                    break
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            self._write(batch)
            for flush in flushes:
                flush.done.set()

    def _write(self, batch: list[tuple[type, dict[str, Any]]], *,
               checkpoint_only: bool = False) -> None:
        if (not batch and not checkpoint_only) or self._error is not None:
            return
        try:
            with self.engine.begin() as connection:
                for table in (ObservationRecord, ScorecardRecord):
                    rows = [row for kind, row in batch if kind is table]
                    if rows:
                        connection.execute(insert(table), compact_rows(connection, table, rows))
                if self.checkpoint is not None:
                    self.checkpoint.write(connection)
            self.commits += 1
            self.rows += len(batch)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the threads that hand rows over
            self._error = exc
