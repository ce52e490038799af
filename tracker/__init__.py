"""reprotrack's core. The Python API is `tracker.Tracker` (see docs/api.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.api import Tracker

__all__ = ["Tracker"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `import tracker.config` must not pull in the whole tool (and
    # the API module imports most of the package, which would make import cycles).
    if name == "Tracker":
        from tracker.api import Tracker

        return Tracker
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
