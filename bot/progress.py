"""A progress bar for long CLI commands, shown only to a person at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def byte_progress(total: int, desc: str) -> Iterator[Callable[[int], None]]:
    """Yields ``update(bytes_done)``. No bar when stdout or stderr is not a terminal: logs and
    pipes (cron, CI, ``> file``) would fill with carriage-return redraws."""
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield lambda _done: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr) as bar:
        def update(done: int) -> None:
            bar.update(done - bar.n)

        yield update
