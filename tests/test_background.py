"""Lifelong loops: a crash is reported when it happens, not when the task is garbage-collected."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot import background


async def test_a_loop_that_crashes_is_logged_at_once_and_forgotten(caplog: pytest.LogCaptureFixture) -> None:
    async def poller() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("database went away")

    task = background.start_loop(poller(), "poller")
    assert background.is_loop(task)
    with caplog.at_level(logging.ERROR, logger="bot.background"):
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run on the next loop iteration
    assert "background loop poller stopped" in caplog.text and "database went away" in caplog.text
    assert not background.is_loop(task)


async def test_a_cancelled_loop_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    task = background.start_loop(asyncio.Event().wait(), "waiter")
    await asyncio.sleep(0)
    task.cancel()
    with caplog.at_level(logging.ERROR, logger="bot.background"):
        await asyncio.wait([task])
        await asyncio.sleep(0)
    assert caplog.text == ""
    assert not background.is_loop(task)
