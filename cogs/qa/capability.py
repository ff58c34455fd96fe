"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, Need, ServiceContext, lazy
from bot.catalogues import N_
from cogs.qa import cli, lifecycle, service
from cogs.qa.public import PublishedQA


def _services(ctx: ServiceContext) -> list[object]:
    return [service.QuestionService(ctx.config, ctx.content.countries, ctx.guild),
            lifecycle.LifecycleService(ctx.config, ctx.guild), PublishedQA(ctx.guild)]

CAPABILITY = Capability(
    name="qa",
    extension="cogs.qa.cog",
    services=_services,
    jobs=[Job("qa:route-unanswered", lazy("cogs.qa.jobs:route_unanswered"),
              every_seconds=lambda config: config.qa.route_check_minutes * 60),
          Job("qa:lifecycle", lazy("cogs.qa.jobs:lifecycle"),
              every_seconds=lambda config: config.qa.lifecycle_check_minutes * 60)],
    deliveries={
        "qa.route": DeliveryKind(lazy("cogs.qa.jobs:send_routing_notice"), needs="View Channel and Send Messages in Threads"),
        "qa.nudge": DeliveryKind(lazy("cogs.qa.jobs:send_nudge"), needs="View Channel and Send Messages in Threads"),
        "qa.close": DeliveryKind(lazy("cogs.qa.jobs:send_auto_close"),
                                 needs="View Channel, Send Messages in Threads and Manage Threads"),
    },
    pagers={"helpers": lazy("cogs.qa.cog:render_helpers_page")},
    digest=[service.solved_digest, service.unanswered_digest, lifecycle.helpers_digest],
    permissions=[
        Need("view_channel", "qa_forum", N_("see the Q&A forum and its posts")),
        Need("send_messages", "qa_forum", N_("write the first message of a post made with /ask")),
        Need("create_public_threads", "qa_forum", N_("create a post for each /ask question")),
        Need("send_messages_in_threads", "qa_forum", N_("post the solved notice and the notices to helpers")),
        Need("manage_threads", "qa_forum", N_("add the Solved tag to posts members started, and close posts")),
        Need("manage_channels", "qa_forum", N_("create the country and topic tags /ask applies")),
        Need("read_message_history", "qa_forum", N_("find the latest reply for /solved")),
    ],
    privacy=service.PRIVACY,
    cli=cli.register,
    web="cogs.qa.web:routes",
    report="cogs.qa.report:qa_report",
)
