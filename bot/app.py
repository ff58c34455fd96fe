"""Wiring: config, content, database and services, built once and passed down explicitly."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.config import Settings
from bot.content import Content, load_content
from bot.digest import DigestProvider
from bot.scheduler import Scheduler
from bot.yamlfile import YamlProblems
from cogs.glossary.service import GlossaryService
from cogs.qa.service import solved_digest, unanswered_digest
from cogs.resources.service import ResourceService
from cogs.search.archive import ArchiveWriter
from cogs.sessions.reminders import ReminderService
from cogs.sessions.service import TrainingSessionService
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
    archive: ArchiveWriter  # live ingest for search, off the event loop
    sessions: TrainingSessionService
    reminders: ReminderService
    # shared by every capability; started by the bot (setup_hook), stopped when it closes
    scheduler: Scheduler = field(default_factory=Scheduler)
    # sections other capabilities add to the weekly digest (see bot/services/digest.py)
    digest_providers: list[DigestProvider] = field(default_factory=list)

    @classmethod
    async def create(cls, settings: Settings, *, migrate: bool = True, content: Content | None = None) -> App:
        if content is None:
            content, problems = load_content(settings.content_dir)
            if problems:
                raise YamlProblems(problems)
        db = Database.from_url(settings.database_url)
        if migrate:
            await upgrade(db.engine)
        reminders = ReminderService(settings.config)
        return cls(
            settings=settings,
            content=content,
            db=db,
            glossary=GlossaryService(content.terms),
            resources=ResourceService(content.resources),
            archive=ArchiveWriter(db),
            sessions=TrainingSessionService(settings.config, reminders),
            reminders=reminders,
            # the weekly digest also lists what happened in peer Q&A
            digest_providers=[solved_digest, unanswered_digest],
        )

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.settings.config

    async def close(self) -> None:
        await self.archive.close()
        self.scheduler.shutdown()
        await self.db.close()
