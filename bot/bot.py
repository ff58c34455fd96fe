"""The Bot subclass: dependencies passed in, cogs loaded explicitly, commands synced only when changed."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import time
from functools import partial
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import App
from bot.capability import Job
from bot.catalogues import _, install_command_paths, set_language
from bot.delivery import Delivery
from bot.errors import UserError
from bot.health import GatewayState
from bot.ops_server import OpsServer
from bot.translator import CatalogueTranslator
from bot.ui.common import NO_MENTIONS, locale_language, member_language, reply_error
from bot.ui.pager import PageButton
from db.models import BotState

log = logging.getLogger(__name__)

T = TypeVar("T")
STARTED = "sse:started"  # Interaction.extras key: when the tree began handling it (for /metrics)


def command_name(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "unknown"


def observe_command(interaction: discord.Interaction[SSEBot], *, ok: bool) -> None:
    started = interaction.extras.get(STARTED)
    if started is not None and interaction.type is discord.InteractionType.application_command:
        interaction.client.app.metrics.command_done(command_name(interaction), time.perf_counter() - started, ok=ok)


class SSETree(app_commands.CommandTree["SSEBot"]):
    async def interaction_check(self, interaction: discord.Interaction[SSEBot], /) -> bool:
        # The tree's public hook before every command, menu and autocomplete: the start of the
        # command latency that on_app_command_completion / on_error below observe.
        interaction.extras[STARTED] = time.perf_counter()
        # Everything the command says from here on is in the member's language; autocomplete, on
        # every keystroke, goes by the Discord locale without reading the database.
        if interaction.type is discord.InteractionType.autocomplete:
            set_language(locale_language(interaction))
        else:
            await member_language(interaction)
        return True

    async def on_error(self, interaction: discord.Interaction[SSEBot], error: app_commands.AppCommandError) -> None:
        observe_command(interaction, ok=False)
        original: BaseException = getattr(error, "original", error)
        if isinstance(error, app_commands.CheckFailure) and not isinstance(original, UserError):
            original = UserError(_("You don't have permission to use this command."))
        elif isinstance(error, app_commands.TransformerError):
            original = UserError(_("I couldn't understand the value for **{value}**.").format(value=f"{error.value!s:.50}"))
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
        # saved-query kind -> renderer of paginated replies, from the records (bot/ui/pager.py)
        self.pagers: dict[str, Any] = {kind: render for c in app.capabilities for kind, render in c.pagers.items()}
        self.delivery = Delivery(self)
        # per-bot objects a capability needs while connected (e.g. its job runner), by type
        self._runtimes: dict[type[Any], object] = {}
        # what /healthz reports of the gateway, and the /healthz + /metrics server (ops.http_port)
        self.gateway = GatewayState(self.is_closed, lambda: self.latency)
        self.ops = OpsServer(app, self.gateway)

    def runtime(self, kind: type[T]) -> T:
        """The capability object of type ``kind`` bound to this bot, created on first use."""
        found = self._runtimes.get(kind)
        if found is None:
            found = self._runtimes[kind] = kind(self)  # type: ignore[call-arg]
        assert isinstance(found, kind)
        return found

    @property
    def guild_scope(self) -> discord.Object | None:
        gid = self.app.config.guild_id
        return discord.Object(gid) if gid else None

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator())
        self.add_dynamic_items(PageButton)
        for capability in self.app.capabilities:
            if capability.extension:
                await self.load_extension(capability.extension)
        # how replies name commands: as the member's Discord lists them (bot/catalogues.py)
        install_command_paths(frozenset(tuple(command.qualified_name.split(" "))
                                        for command in self.tree.walk_commands()))
        for capability in self.app.capabilities:
            for job in capability.jobs:
                self.schedule(job)
        self.delivery.start()
        self.app.scheduler.start()  # after the cogs rebuilt their timers from the database
        await self.ops.start()
        if self.guild_scope is not None:
            self.tree.copy_global_to(guild=self.guild_scope)
        if self.sync_commands_on_start:
            try:
                await self.sync_commands_if_changed()
            except discord.HTTPException as exc:
                # Commands synced earlier keep working; everything else still serves.
                log.error("syncing slash commands failed (HTTP %s): %s; the bot keeps serving with the "
                          "commands Discord already has", exc.status, exc.text or exc)

    def schedule(self, job: Job) -> None:
        config = self.app.config
        run = partial(self._run_job, job)
        if job.when is not None and not job.when(config):
            return
        if job.every_seconds is not None:
            self.app.scheduler.interval(job.id, job.every_seconds(config), run)
        elif job.weekly is not None:
            when = job.weekly(config)
            if when is not None:
                day, hh_mm = when
                hour, minute = (int(x) for x in hh_mm.split(":"))
                self.app.scheduler.cron(job.id, run, day_of_week=day, hour=hour, minute=minute,
                                        timezone=self.app.guild.current.timezone)  # /setup, else config.yaml

    def reschedule_weekly(self) -> None:
        """After the server's time zone changed (/setup defaults): weekly jobs keep their local time."""
        for capability in self.app.capabilities:
            for job in capability.jobs:
                if job.weekly is not None:
                    self.schedule(job)

    async def _run_job(self, job: Job) -> None:
        await self.wait_until_ready()
        try:
            await job.run(self)
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next time", job.id)

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
        self.delivery.stop()
        await self.ops.stop()
        await super().close()

    # ---- what /healthz and /metrics know of the gateway and of commands
    async def on_connect(self) -> None:
        self.app.metrics.gateway("connect")

    async def on_disconnect(self) -> None:
        self.gateway.down()
        self.app.metrics.gateway("disconnect")

    async def on_resumed(self) -> None:
        self.gateway.up()
        self.app.metrics.gateway("resume")

    async def on_app_command_completion(
        self, interaction: discord.Interaction[SSEBot], command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        observe_command(interaction, ok=True)

    async def on_ready(self) -> None:
        self.gateway.up()
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
        # Everything loaded so far lives as long as the process: move it out of the collector's
        # way, so a full collection no longer pauses the event loop (~90 ms, bench/bench_ingest.py).
        gc.collect()
        gc.freeze()
