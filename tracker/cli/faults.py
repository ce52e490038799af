"""Turn a database fault met anywhere in a command into the tool's one-line error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from sqlalchemy.exc import DBAPIError

from tracker.store.faults import database_failure


def current_database_url(arguments: Iterable[object]) -> str | None:
    """The database URL of the command called with `arguments` (its click context holds it)."""
    from tracker.cli.context import AppContext  # context imports this module

    # typer hands over its own click's Context: recognise it by what we use of it
    ctx = next((arg for arg in arguments if hasattr(arg, "find_object")), None)
    app = ctx.find_object(AppContext) if ctx is not None else None
    if app is None:
        return None
    if app._settings is not None:  # read the settings, never load them here
        return app._settings.database.url
    return app.database_url


def raise_database_fault(exc: DBAPIError, arguments: Iterable[object] = ()) -> NoReturn:
    """Raise the ReprotrackError for a database fault met by the command called with
    `arguments`, or `exc` itself when it is not one (a constraint or a bug in our SQL keeps
    its traceback)."""
    failure = database_failure(exc, current_database_url(arguments))
    if failure is None:
        raise exc
    raise failure from exc
