"""The tool's own exception family: everything the CLI turns into exit codes."""

from __future__ import annotations

from pathlib import Path


class ReprotrackError(Exception):
    """Root of reprotrack's own errors."""

    exit_code = 1


class InputError(ReprotrackError):
    """Bad input or configuration: exit code 2, with a message that says what and where."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.key:
            where = f"{where} [{self.key}]" if where else f"[{self.key}]"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(InputError):
    """A configuration file or setting is wrong."""


class ServiceUnreachable(ReprotrackError):
    """A service could not be reached at all (exit code 3)."""

    exit_code = 3


class StorageError(ReprotrackError):
    """The disk or the database could not take or give data at all (exit code 3)."""

    exit_code = 3


class StoreUnreachable(ServiceUnreachable):
    """The database could not be opened or reached (exit code 3, like any service)."""
