"""Progress display for long jobs: a rich spinner on stderr with the current step and its
elapsed time (gone when done), then one line: the total time and the slowest step. Every step
with its time is in the job's log.txt. Or nothing, when disabled."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

SLOW_S = 1.0
"""A run at least this long ends with its summary line; shorter ones leave nothing behind."""


@contextmanager
def progress_reporter(enabled: bool, console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a callback that shows the current step (loading, building, solving, exporting)."""
    if not enabled:
        yield lambda _msg: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    start = time.perf_counter()
    steps: list[tuple[str, float]] = []  # (step, seconds)
    current = {"text": "", "t0": start}

    def close_step() -> None:
        if current["text"]:
            steps.append((str(current["text"]), time.perf_counter() - float(current["t0"])))

    live = console.is_terminal  # a spinner only where it can redraw (not in logs or pipes)
    with Progress(*columns, console=console, transient=True, disable=not live) as bar:
        task = bar.add_task("starting", total=None)

        def update(message: str) -> None:
            close_step()
            current["text"], current["t0"] = message, time.perf_counter()
            bar.update(task, description=escape(message))

        try:
            yield update
        finally:
            close_step()
    total = time.perf_counter() - start
    if total >= SLOW_S and steps:
        name, took = max(steps, key=lambda s: s[1])
        line = f"{total:.1f} s in {len(steps)} steps; slowest: {escape(name)} ({took:.1f} s)"
        console.print(f"[dim]{line}[/dim]", highlight=False)
