"""What every ``python -m bot`` command shares: settings from ``--config``, an App for the length
of one command, and printing text or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import Settings, load_settings


def settings_of(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


async def with_app(settings: Settings, action: Callable[[App], Awaitable[int]]) -> int:
    app = await App.create(settings)
    try:
        return await action(app)
    finally:
        await app.close()


def run_with_app(args: argparse.Namespace, action: Callable[[App], Awaitable[int]]) -> int:
    return asyncio.run(with_app(settings_of(args), action))


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
