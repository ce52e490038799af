"""A throwaway store: where `check` of a paper that is not tracked does its bookkeeping."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from tracker.store.engine import open_store


@contextmanager
def scratch_store() -> Iterator[Engine]:
    """A fresh SQLite store in a temporary folder, migrated to head, deleted afterwards.

    `check_paper` resolves, discovers, observes and scores through the store; running it
    here leaves the project's store (its tracked papers, exports and audits) untouched.
    """
    with tempfile.TemporaryDirectory(prefix="reprotrack-check-") as folder:
        engine = open_store(f"sqlite:///{folder}/check.db")
        try:
            yield engine
        finally:
            engine.dispose()
