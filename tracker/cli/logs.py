"""Log levels for one invocation: the tool's own loggers and the libraries', set by -v / -q."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable

# The tool's own loggers (module loggers of the three packages, and the CLI's "reprotrack").
TOOL_LOGGERS = ("tracker", "checks", "reports", "reprotrack")
# Libraries that log a line per request or per migration step at INFO, or more at DEBUG:
# httpx ("HTTP Request: GET ..."), huggingface_hub, PyGithub ("Following Github server
# redirection"), urllib3 (under requests), Alembic ("Running upgrade ..."), APScheduler,
# procrastinate (a line per job started and ended).
LIBRARY_LOGGERS = ("alembic", "httpx", "httpcore", "huggingface_hub", "github", "urllib3",
                   "requests", "apscheduler", "filelock", "fsspec", "procrastinate")
# SQLAlchemy logs every statement at INFO: only the loudest setting shows it.
SQL_LOGGERS = ("sqlalchemy",)


def levels_for(verbosity: int) -> dict[str, int]:
    """The level of each logger for a verbosity (-q is -1, none 0, -v 1, -vv 2, -vvv 3)."""
    if verbosity < 0:
        tool, libraries, sql = logging.ERROR, logging.ERROR, logging.ERROR
    else:
        tool = (logging.WARNING, logging.INFO, logging.DEBUG, logging.DEBUG)[min(verbosity, 3)]
        libraries = (logging.WARNING, logging.WARNING, logging.INFO, logging.DEBUG)[
            min(verbosity, 3)]
        sql = logging.INFO if verbosity >= 3 else logging.WARNING
    levels = {name: tool for name in TOOL_LOGGERS}
    levels |= {name: libraries for name in LIBRARY_LOGGERS}
    levels |= {name: sql for name in SQL_LOGGERS}
    return levels


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it per invocation)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # type: ignore[no-untyped-def]
        pass


def configure_logging(verbosity: int, *, timestamps: bool = False) -> Callable[[], None]:
    """Set the levels of `levels_for(verbosity)` and log to stderr; returns the undo.

    Levels are set on the named loggers, never on the root logger, so a library left out of
    the list keeps Python's default (warnings and errors only). The undo puts every level and
    handler back, so that a process running several invocations (tests) starts clean each time.
    """
    # PyGithub sets its logger to INFO and gives it a handler of its own when first imported:
    # import it now, so that its setting comes before ours and not after, and borrow the
    # handler so that its lines come through ours, once.
    importlib.import_module("github")
    github = logging.getLogger("github")
    borrowed = [h for h in github.handlers if type(h) is logging.StreamHandler]
    for own in borrowed:
        github.removeHandler(own)
    previous = {name: logging.getLogger(name).level for name in levels_for(0)}
    for name, level in levels_for(verbosity).items():
        logging.getLogger(name).setLevel(level)
    handler = _StderrHandler()
    layout = "%(asctime)s %(levelname)s %(name)s: %(message)s" if timestamps else \
        "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(layout))
    root = logging.getLogger()
    root.addHandler(handler)

    def undo() -> None:
        root.removeHandler(handler)
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)
        for own in borrowed:
            github.addHandler(own)

    return undo
