"""A progress bar on stderr when it is a terminal; silence in CI logs and pipes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[[int], None]


def _ignore(_: int) -> None:
    return None


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Advance]:
    """Yields ``advance(n)``; draws a bar only when a person watches stderr."""
    if not sys.stderr.isatty():
        yield _ignore
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda steps: bar.advance(task, steps)
