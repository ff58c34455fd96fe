"""The plans' timer and how its outbox kinds are sent: a milestone falling due (in the country's
channel or thread) and a consultation's closing summary (to the facilitators, with the CSV).

The timer claims each milestone and each closed consultation in the transaction that enqueues
its delivery (cogs/plans/service.py, consultations.py), so neither is ever sent twice, even with
two instances or after a restart, and a delivery Discord refuses for a while is retried."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.capability import DeliveryDropped
from bot.outbox import Outgoing
from cogs.plans.consultations import ConsultationService
from cogs.plans.service import PlanService
from cogs.plans.ui import due_notice, summary_embed

if TYPE_CHECKING:
    from bot.bot import SSEBot


async def check(bot: SSEBot, now: datetime | None = None) -> int:
    """Enqueue the notices of milestones due and the summaries of consultations that closed."""
    app = bot.app
    now = now or datetime.now(UTC)
    async with app.db.begin_write() as session:
        due = await app.service(PlanService).announce_due(session, now=now)
        closed = await app.service(ConsultationService).close_due(session, now=now)
    if due or closed:
        await bot.delivery.run_due()
        await bot.delivery.run_due("dm")
    return len(due) + len(closed)


async def send_due(bot: SSEBot, row: Outgoing) -> int | None:
    async with bot.app.db.begin() as session:
        action, country = await bot.app.service(PlanService).action(session, int(row.params["action_id"]))
    if action.status == "done":
        raise DeliveryDropped("the action was done before its notice went out")
    assert row.channel_id is not None
    name = bot.app.service(PlanService).countries.name(country)
    return (await bot.delivery.post(row.channel_id, content=due_notice(action, name), nonce=row.nonce)).id


async def send_summary(bot: SSEBot, row: Outgoing) -> int | None:
    service = bot.app.service(ConsultationService)
    async with bot.app.db.begin() as session:
        results = await service.results(session, int(row.params["consultation_id"]))
    file = discord.File(io.BytesIO(results.csv(service.countries)),
                        filename=f"consultation-{results.consultation.id}-answers.csv")
    if row.channel_id:
        message = await bot.delivery.post(row.channel_id, embed=summary_embed(results), file=file, nonce=row.nonce)
    else:
        assert row.user_id is not None
        message = await bot.delivery.dm(row.user_id, embed=summary_embed(results), file=file, nonce=row.nonce)
    return message.id
