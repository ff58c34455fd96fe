"""Waiting for the bot to finish what an event started, so a test asserts on a quiet bot."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from bot import background


class Tasks:
    """The tasks settle() waits for: every task alive now, except those alive before the bot was
    ready (remember_baseline) and the ones that run for the bot's whole life."""

    def __init__(self) -> None:
        self._baseline: set[asyncio.Task[Any]] = set()
        self._ignored: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()

    def remember_baseline(self) -> None:
        self._baseline = {t for t in asyncio.all_tasks() if not t.done()}

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every task the last event started (and what those started) is done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet_rounds = 0
        me = asyncio.current_task()
        while quiet_rounds < 3:
            await asyncio.sleep(0)
            pending = []
            for t in asyncio.all_tasks():
                if t is me or t in self._ignored or t.done():
                    continue
                if t in self._baseline or _runs_forever(t):
                    # Long-lived (view timeouts, background loops): remembered so that
                    # later settles skip them cheaply; many can be alive at once.
                    self._ignored.add(t)
                    continue
                pending.append(t)
            if not pending:
                quiet_rounds += 1
                continue
            quiet_rounds = 0
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = [f"{t.get_name()} {t.get_coro()!r}" for t in pending]
                raise TimeoutError(f"tasks still running after {timeout}s: {names}")
            await asyncio.wait(pending, timeout=remaining)


def _runs_forever(task: asyncio.Task[Any]) -> bool:
    """Tasks settle() must not wait for: the bot's lifelong loops (it declares them when it
    starts them) and discord.py's view and modal timeouts (recognised by discord.py's names)."""
    if background.is_loop(task):
        return True
    name = task.get_name()
    return "-timeout-" in name or "timeout_task" in getattr(task.get_coro(), "__qualname__", "")
