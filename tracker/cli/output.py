"""Where commands print: Rich on a terminal; plain, aligned, unwrapped text when piped."""

from __future__ import annotations

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


def stdout_console() -> Console:
    """The console for results: Rich on a terminal, plain wide text for pipes and files."""
    console = Console(soft_wrap=True)
    if console.is_terminal:
        return console
    console = Console(soft_wrap=True, width=PLAIN_WIDTH, no_color=True, highlight=False)
    console.push_render_hook(PlainTables())
    return console

