"""Progress display for long jobs: a rich spinner with the current step and its elapsed time
on stderr (gone when done), a line for each step that took a second or more; or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

SLOW_STEP_S = 1.0
"""Steps at least this long leave a line behind (shorter ones only pass through the spinner)."""


@contextmanager
def progress_reporter(enabled: bool, console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a callback that shows the current step (loading, building, solving, exporting)."""
    if not enabled:
        yield lambda _msg: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        step = {"text": "starting", "t0": time.perf_counter()}

        def finish_step() -> None:
            took = time.perf_counter() - step["t0"]  # type: ignore[operator]
            if took >= SLOW_STEP_S and step["text"] != "starting":
                text = escape(str(step["text"]))
                bar.console.print(f"[dim]{text} ({took:.1f} s)[/dim]", highlight=False)

        def update(message: str) -> None:
            finish_step()
            step["text"], step["t0"] = message, time.perf_counter()
            bar.update(task, description=escape(message))

        try:
            yield update
        finally:
            finish_step()
