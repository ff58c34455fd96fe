"""The Bot subclass: dependencies passed in, cogs loaded explicitly, commands synced only when changed."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import App
from bot.errors import UserError
from bot.translator import CatalogueTranslator
from bot.ui.common import NO_MENTIONS, reply_error
from bot.ui.pager import PageButton
from db.models import BotState

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.glossary.cog", "cogs.resources.cog", "cogs.sessions.cog", "cogs.qa.cog", "cogs.search.cog", "cogs.privacy.cog")


class SSETree(app_commands.CommandTree["SSEBot"]):
    async def on_error(self, interaction: discord.Interaction[SSEBot], error: app_commands.AppCommandError) -> None:
        original: BaseException = getattr(error, "original", error)
        if isinstance(error, app_commands.CheckFailure) and not isinstance(original, UserError):
            original = UserError("You don't have permission to use this command.")
        elif isinstance(error, app_commands.TransformerError):
            original = UserError(f"I couldn't understand the value for **{error.value!s:.50}**.")
        await reply_error(interaction, original)


class SSEBot(commands.Bot):
    def __init__(self, app: App, *, sync_commands: bool = True, **kwargs: Any):
        intents = discord.Intents.default()
        intents.message_content = True  # needed to store Q&A posts and opted-in channels for search
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=SSETree,
            allowed_mentions=NO_MENTIONS,  # never ping unless a call asks for it explicitly
            help_command=None,
            **kwargs,
        )
        self.app = app
        self.sync_commands_on_start = sync_commands
        # kind -> renderer for paginated replies (see bot/ui/pager.py)
        self.pagers: dict[str, Any] = {}

    @property
    def guild_scope(self) -> discord.Object | None:
        gid = self.app.config.guild_id
        return discord.Object(gid) if gid else None

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator(self.app.content.command_strings))
        self.add_dynamic_items(PageButton)
        for ext in EXTENSIONS:
            await self.load_extension(ext)
        self.app.scheduler.start()  # after the cogs rebuilt their jobs from the database
        if self.guild_scope is not None:
            self.tree.copy_global_to(guild=self.guild_scope)
        if self.sync_commands_on_start:
            await self.sync_commands_if_changed()

    async def command_payload(self) -> list[dict[str, Any]]:
        translator = self.tree.translator
        assert translator is not None
        cmds = self.tree.get_commands(guild=self.guild_scope)
        return [await c.get_translated_payload(self.tree, translator) for c in cmds]

    async def sync_commands_if_changed(self) -> bool:
        """Sync with Discord only when the command set differs from the last sync (rate limits)."""
        payload = await self.command_payload()
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        # Keyed by application too: the offline console shares the database with the real bot.
        key = f"commands:{self.application_id}:{self.app.config.guild_id or 'global'}"
        async with self.app.db.begin() as session:
            row = await session.get(BotState, key)
            if row is not None and row.value == digest:
                log.info("slash commands unchanged; not syncing")
                return False
        await self.tree.sync(guild=self.guild_scope)
        async with self.app.db.begin() as session:
            await session.merge(BotState(key=key, value=digest))
        log.info("synced %d slash commands", len(payload))
        return True

    async def close(self) -> None:
        self.app.scheduler.shutdown()
        await super().close()

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
        # Everything loaded so far lives as long as the process: move it out of the collector's
        # way, so a full collection no longer pauses the event loop (~90 ms, bench/bench_ingest.py).
        gc.collect()
        gc.freeze()
