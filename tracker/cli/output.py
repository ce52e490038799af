"""Where commands print: Rich on a terminal; plain, aligned, unwrapped text when piped."""

from __future__ import annotations

import sys
from typing import IO

from rich.console import Console, ConsoleRenderable, RenderHook
from rich.table import Table

# Wide enough that no table cell or URL is ever folded when the output is a file or a pipe.
PLAIN_WIDTH = 10_000


class PlainTables(RenderHook):
    """Render every table without borders or folding: columns aligned by spaces."""

    def process_renderables(
        self, renderables: list[ConsoleRenderable]
    ) -> list[ConsoleRenderable]:
        """Strip tables of their boxes and let their cells take the width they need."""
        for renderable in renderables:
            if isinstance(renderable, Table):
                plain(renderable)
        return renderables


def plain(table: Table) -> Table:
    """Turn `table` into plain aligned columns (no box, no folded cells); returns it."""
    table.box = None
    table.show_edge = False
    table.pad_edge = False
    table.title_justify = "left"
    for column in table.columns:
        column.overflow = "ignore"
        column.no_wrap = True
    return table


class _TrimmedStdout:
    """sys.stdout (whichever it is at the time) with the spaces that pad table cells trimmed
    from the end of each line."""

    def __init__(self) -> None:
        self._pending = ""

    def write(self, text: str) -> int:
        """Write every complete line right-trimmed; keep a partial line for later."""
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            sys.stdout.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        """Write a pending partial line as it is."""
        if self._pending:
            sys.stdout.write(self._pending)
            self._pending = ""
        sys.stdout.flush()

    def isatty(self) -> bool:
        """Never a terminal: it is only used when stdout is not one."""
        return False


def stdout_console() -> Console:
    """The console for results: Rich on a terminal, plain wide text for pipes and files."""
    console = Console(soft_wrap=True)
    if console.is_terminal:
        return console
    trimmed: IO[str] = _TrimmedStdout()  # type: ignore[assignment]  # what Console uses of IO
    console = Console(file=trimmed, soft_wrap=True, width=PLAIN_WIDTH, no_color=True,
                      highlight=False)
    console.push_render_hook(PlainTables())
    return console

