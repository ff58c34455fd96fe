"""Loops that run for the bot's whole life (a queue writer, a poller), started in one way.

asyncio keeps only weak references to tasks, and an exception that ends a task is reported
only when the task is garbage-collected, if ever: a loop that dies says nothing while the
feature it serves quietly stops. Loops started here are kept referenced until they end, a
crash is logged the moment it happens, and whoever waits for the bot to go quiet (a clean
shutdown, an operator's status check, a test) can tell a loop that is meant to run forever
from work that will finish: ``is_loop(task)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

# Like asyncio's own task registry, process-wide: a task belongs to one event loop anyway,
# and the set empties itself as loops end.
_loops: set[asyncio.Task[Any]] = set()


def start_loop(coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    task = asyncio.get_running_loop().create_task(coro, name=name)
    _loops.add(task)
    task.add_done_callback(_ended)
    return task


def is_loop(task: asyncio.Task[Any]) -> bool:
    return task in _loops


def _ended(task: asyncio.Task[Any]) -> None:
    _loops.discard(task)
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background loop %s stopped: %r", task.get_name(), exc, exc_info=exc)
