"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.app import App
from bot.capability import Capability, DeliveryKind, Job, Need, ServiceContext, lazy
from bot.catalogues import N_
from cogs.resources.service import ResourceService
from cogs.sessions import cli, privacy
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.feeds import FeedService
from cogs.sessions.outgoing import SessionOutgoing
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService, upcoming_digest
from cogs.sessions.reminders import ReminderService
from cogs.sessions.rsvp import RsvpService
from cogs.sessions.waitlist import WaitlistService


def _services(ctx: ServiceContext) -> list[object]:
    reminders = ReminderService(ctx.config)
    outgoing = SessionOutgoing(ctx.config, ctx.outbox, ctx.guild)
    waitlist = WaitlistService(outgoing)
    return [reminders, outgoing, waitlist, TrainingSessionService(),
            PlanningService(ctx.config, reminders, outgoing, ctx.guild, waitlist),
            RsvpService(waitlist), AttendanceService(ctx.config, ctx.guild), FeedService(ctx.config)]


async def _materials_join_the_catalogue(app: App) -> None:
    """Recordings and slides added with /session materials are resources too, after a restart."""
    async with app.db.begin() as session:
        for resource in await app.service(TrainingSessionService).all_material_resources(session):
            app.service(ResourceService).add(resource)


CAPABILITY = Capability(
    name="sessions",
    extension="cogs.sessions.cog",
    pagers={"sessions": lazy("cogs.sessions.cog:render_page")},  # the saved-query kind of its paged replies
    services=_services,
    on_start=_materials_join_the_catalogue,
    jobs=[Job("sessions:reminders-sweep", lazy("cogs.sessions.jobs:sweep"), every_seconds=lambda _config: 60),
          Job("sessions:announce", lazy("cogs.sessions.jobs:announce_pending"), every_seconds=lambda _config: 300)],
    deliveries={
        "sessions.announce": DeliveryKind(lazy("cogs.sessions.jobs:send_announcement"),
                                          needs="View Channel, Send Messages and Embed Links"),
        "sessions.create_event": DeliveryKind(lazy("cogs.sessions.jobs:create_event"), needs="Manage Events"),
        "sessions.refresh_post": DeliveryKind(lazy("cogs.sessions.jobs:refresh_announcement"),
                                              needs="View Channel and Read Message History"),
        "sessions.refresh_event": DeliveryKind(lazy("cogs.sessions.jobs:refresh_event"), needs="Manage Events"),
        "sessions.change_dm": DeliveryKind(lazy("cogs.sessions.jobs:send_change_notice")),
        "sessions.waitlist_dm": DeliveryKind(lazy("cogs.sessions.jobs:send_waitlist_promotion")),
        "sessions.reminder": DeliveryKind(lazy("cogs.sessions.jobs:send_reminder")),
        "sessions.reminder_dm": DeliveryKind(lazy("cogs.sessions.jobs:send_reminder")),
        "sessions.followup_dm": DeliveryKind(lazy("cogs.sessions.jobs:send_followup")),
    },
    digest=[upcoming_digest],
    permissions=[
        Need("manage_events", "guild", N_("mirror each session as a scheduled event"),
             when=lambda config: config.sessions.create_events),
        Need("view_channel", "announcements", N_("see the announcements channel")),
        Need("send_messages", "announcements", N_("post session announcements and reminders")),
        Need("embed_links", "announcements", N_("show announcements as embeds")),
        Need("read_message_history", "announcements", N_("update an announcement when its session changes")),
    ],
    privacy=privacy.PRIVACY,
    cli=cli.register,
    web="cogs.sessions.web:routes",  # the calendar feeds (/calendar.ics ...) and the pages (/sessions ...)
    report="cogs.sessions.report:sessions_report",
)
