"""What every command shares: resolved settings, the store, the consoles, error handling."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from tracker.api import Tracker
from tracker.cli.faults import raise_database_fault
from tracker.cli.logs import configure_logging
from tracker.cli.output import stdout_console
from tracker.config import Settings, load_settings
from tracker.errors import ReprotrackError, StoreUnreachable

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("reprotrack")


@dataclass
class AppContext:
    """Lazily resolved state for one invocation (settings first, the store on first use)."""

    config_file: str | None = None
    database_url: str | None = None
    _settings: Settings | None = None
    _tracker: Tracker | None = None
    verbosity: int = 0  # -q: -1, -v: 1, -vv: 2, -vvv: 3
    out: Console = field(default_factory=stdout_console)
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    _undo_logging: Callable[[], None] | None = None

    def log_to_stderr(self, *, timestamps: bool = False, at_least: int | None = None) -> None:
        """Log at this invocation's verbosity (raised to `at_least` unless -q was given)."""
        verbosity = self.verbosity
        if at_least is not None and verbosity >= 0:
            verbosity = max(verbosity, at_least)
        self.restore_logging()
        self._undo_logging = configure_logging(verbosity, timestamps=timestamps)

    def restore_logging(self) -> None:
        """Put the loggers back as they were before this invocation."""
        if self._undo_logging is not None:
            self._undo_logging()
            self._undo_logging = None

    @property
    def settings(self) -> Settings:
        """The settings: defaults < config file < environment < flags."""
        if self._settings is None:
            self._settings = load_settings(self.config_file, database_url=self.database_url)
        return self._settings

    @property
    def tracker(self) -> Tracker:
        """The Python API over these settings: what every command does its work with."""
        if self._tracker is None:
            self._tracker = Tracker(self.settings)
        return self._tracker

    @property
    def engine(self) -> Engine:
        """The store, migrated to the newest schema (opened by the tracker on first use)."""
        return self.tracker.engine


def app_context(ctx: typer.Context) -> AppContext:
    """The AppContext the main callback put on the click context."""
    obj = ctx.find_object(AppContext)
    if obj is None:  # a command invoked without the main callback (tests of one command)
        obj = AppContext()
        ctx.obj = obj
    return obj


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the tool's own errors into one line on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            try:
                return command(*args, **kwargs)
            except DBAPIError as exc:  # the database failed under the command
                raise_database_fault(exc, [*args, *kwargs.values()])
        except ReprotrackError as exc:
            Console(stderr=True, soft_wrap=True).print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(code=exc.exit_code) from None
        except OperationalError as exc:  # the database went away after it was opened
            Console(stderr=True, soft_wrap=True).print(
                f"error: the database could not be reached: {exc.orig}", markup=False,
                highlight=False)
            raise typer.Exit(code=StoreUnreachable.exit_code) from None
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise typer.Exit(code=130) from None

    return wrapper


def is_terminal(console: Console) -> bool:
    """Whether to draw progress bars (a terminal) or write plain log lines."""
    return bool(console.is_terminal) and not console.is_dumb_terminal


