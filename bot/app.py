"""Wiring: config, content, database and services, built once and passed down explicitly."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.content import Content, load_content
from bot.services.glossary import GlossaryService
from bot.services.resources import ResourceService
from bot.yamlfile import YamlProblems
from db.engine import Database
from db.migrate import upgrade

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    content: Content
    db: Database
    glossary: GlossaryService
    resources: ResourceService

    @classmethod
    async def create(cls, settings: Settings, *, migrate: bool = True, content: Content | None = None) -> App:
        if content is None:
            content, problems = load_content(settings.content_dir)
            if problems:
                raise YamlProblems(problems)
        db = Database.from_url(settings.database_url)
        if migrate:
            await upgrade(db.engine)
        return cls(
            settings=settings,
            content=content,
            db=db,
            glossary=GlossaryService(content.terms),
            resources=ResourceService(content.resources),
        )

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.settings.config

    async def close(self) -> None:
        await self.db.close()
