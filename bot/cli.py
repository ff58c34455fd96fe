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


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang CODE`` for a command that prints text members read (default English)."""
    parser.add_argument("--lang", help="language of the printed text: a code (th, vi, km, lo, mn, ky, ru, id, ms, "
                                       "fil, zh, ja, ko) or its name; default English")


def cli_language(args: argparse.Namespace) -> str:
    """The language ``--lang`` names (a code, English or native name), English without it; an unknown
    one is a clear error. Print inside ``with use_language(cli_language(args)):``."""
    from bot.errors import UserError
    from bot.i18n import LANGUAGES, parse_language

    text = getattr(args, "lang", None)
    if not text:
        return "en"
    code = parse_language(text)
    if code is None:
        raise UserError(f"unknown language {text!r}; use one of: {', '.join(LANGUAGES)}")
    return code
