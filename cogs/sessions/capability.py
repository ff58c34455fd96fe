"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.app import App
from bot.capability import Capability, Job, ServiceContext, lazy
from cogs.resources.service import ResourceService
from cogs.sessions import cli, privacy
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService, upcoming_digest
from cogs.sessions.reminders import ReminderService
from cogs.sessions.rsvp import RsvpService


def _services(ctx: ServiceContext) -> list[object]:
    reminders = ReminderService(ctx.config)
    return [reminders, TrainingSessionService(), PlanningService(ctx.config, reminders), RsvpService(),
            AttendanceService(ctx.config)]


async def _materials_join_the_catalogue(app: App) -> None:
    """Recordings and slides added with /session materials are resources too, after a restart."""
    async with app.db.begin() as session:
        for resource in await app.service(TrainingSessionService).all_material_resources(session):
            app.service(ResourceService).add(resource)


CAPABILITY = Capability(
    name="sessions",
    extension="cogs.sessions.cog",
    services=_services,
    on_start=_materials_join_the_catalogue,
    jobs=[Job("sessions:reminders-sweep", lazy("cogs.sessions.jobs:sweep"), every_seconds=lambda _config: 60),
          Job("sessions:announce", lazy("cogs.sessions.jobs:announce_pending"), every_seconds=lambda _config: 300)],
    digest=[upcoming_digest],
    privacy=privacy.PRIVACY,
    cli=cli.register,
)
