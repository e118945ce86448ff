"""Progress display for long jobs: a rich status line on stderr, or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console


@contextmanager
def progress_reporter(enabled: bool, console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a callback that shows the current step (loading, building, solving, exporting)."""
    if not enabled:
        yield lambda _msg: None
        return
    with console.status("starting", spinner="dots") as status:

        def update(message: str) -> None:
            status.update(message)
            console.log(message, highlight=False)

        yield update
