"""Wiring: config, content, database and every capability's services, built once and passed down."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.capability import Capability, ServiceContext
from bot.config import Config, Settings
from bot.content import Content, load_content
from bot.countries import install as install_countries
from bot.guild import GuildSettings
from bot.metrics import Metrics
from bot.outbox import Outbox
from bot.scheduler import Scheduler
from bot.yamlfile import YamlProblems
from db.engine import Database
from db.migrate import upgrade

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class App:
    settings: Settings
    content: Content
    db: Database
    capabilities: tuple[Capability, ...]
    outbox: Outbox  # everything the bot posts on its own goes through it (bot/delivery.py sends)
    # the server's effective settings (/setup, else config.yaml): every capability reads them here
    guild: GuildSettings
    # every capability's services, by type: app.service(GlossaryService)
    services: dict[type[Any], object] = field(default_factory=dict)
    # shared by every capability; started by the bot (setup_hook), stopped when it closes
    scheduler: Scheduler = field(default_factory=Scheduler)
    # counters and timings /metrics serves (bot/ops_server.py); one registry per App
    metrics: Metrics = field(default_factory=Metrics)

    @classmethod
    async def create(
        cls, settings: Settings, *, migrate: bool = True, content: Content | None = None,
        capabilities: Sequence[Capability] | None = None,
    ) -> App:
        if content is None:
            content, problems = load_content(settings.content_dir)
            if problems:
                raise YamlProblems(problems)
        install_countries(content.countries)  # what parse_country / country_name read, everywhere
        if capabilities is None:
            from bot.capabilities import CAPABILITIES  # the list imports every capability package

            capabilities = CAPABILITIES
        db = Database.from_url(settings.database_url)
        if migrate:
            await upgrade(db.engine)
        metrics = Metrics()
        app = cls(settings=settings, content=content, db=db, capabilities=tuple(capabilities),
                  outbox=Outbox(settings.config, metrics=metrics), guild=GuildSettings(settings.config),
                  metrics=metrics)
        app.services[GuildSettings] = app.guild
        async with db.begin() as session:
            await app.guild.refresh(session)
        context = ServiceContext(settings=settings, content=content, db=db, outbox=app.outbox,
                                 capabilities=app.capabilities, guild=app.guild,
                                 get=app.service)
        for capability in app.capabilities:
            if capability.services is not None:
                for service in capability.services(context):
                    app.services[type(service)] = service
        for capability in app.capabilities:
            if capability.on_start is not None:
                await capability.on_start(app)
        return app

    def service(self, kind: type[T]) -> T:
        try:
            found = self.services[kind]
        except KeyError:
            raise LookupError(f"no capability provides {kind.__name__}") from None
        assert isinstance(found, kind)
        return found

    @property
    def config(self) -> Config:
        return self.settings.config

    async def close(self) -> None:
        for service in reversed(list(self.services.values())):
            close = getattr(service, "close", None)  # background writers flush what they hold
            if close is not None:
                await close()
        self.scheduler.shutdown()
        await self.db.close()
