"""``python -m bot run``'s code path serves the site beside the bot, in the bot's event loop, at the
address it prints, while the bot answers Discord (the local Discord stand-in of the smoke test)."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from bot.config import Settings
from bot.runner import run_bot
from tests.test_gateway_smoke import LocalDiscord, local_discord
from tests.web.conftest import Page

__all__ = ["local_discord"]  # the fixture


def with_web(settings: Settings, **web: object) -> Settings:
    config = settings.config.model_copy(update={"web": settings.config.web.model_copy(update=web)})
    return settings.model_copy(update={"token": "smoke-token", "config": config})


async def test_run_serves_the_site_next_to_the_bot(local_discord: LocalDiscord, settings: Settings,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    task = asyncio.create_task(run_bot(with_web(settings, port=0)))
    try:
        await asyncio.wait_for(local_discord.answered.wait(), timeout=30)
        found = re.search(r"web site: (http://127\.0\.0\.1:\d+/)", capsys.readouterr().out)
        assert found, "run prints the address it serves"
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.get(found.group(1) + "?lang=th")
        assert response.status_code == 200
        assert Page(response.text).first("html")["lang"] == "th"
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_run_with_the_site_turned_off_serves_only_discord(local_discord: LocalDiscord, settings: Settings,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    task = asyncio.create_task(run_bot(with_web(settings, enabled=False, port=0)))
    try:
        await asyncio.wait_for(local_discord.answered.wait(), timeout=30)
        assert "web site:" not in capsys.readouterr().out
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
