"""The capability record of glossary suggestions and their review (/glossary suggest, /glossary review,
``python -m bot glossary export``)."""

from __future__ import annotations

from bot.app import App
from bot.capability import Capability, DeliveryKind, ServiceContext, lazy
from cogs.glossary.browse import GlossaryIndex
from cogs.glossary.service import GlossaryService
from cogs.glossary_review import cli
from cogs.glossary_review.service import APPROVED_DM, PRIVACY, ReviewService


def _services(ctx: ServiceContext) -> list[object]:
    # the glossary's record is listed first: its services show the reviewed text
    return [ReviewService(ctx.guild, ctx.db, ctx.outbox, ctx.get(GlossaryService), ctx.get(GlossaryIndex), ctx.content.terms)]


async def _start(app: App) -> None:
    """Approved text in from the start (the CLI too), and looked for again before every answer."""
    review = app.service(ReviewService)
    await review.refresh()
    app.service(GlossaryService).refresher = review.refresh


CAPABILITY = Capability(
    name="glossary_review", extension="cogs.glossary_review.cog", services=_services, cli=cli.register,
    privacy=PRIVACY, on_start=_start,
    deliveries={APPROVED_DM: DeliveryKind(lazy("cogs.glossary_review.jobs:send_approved_dm"))},
)
