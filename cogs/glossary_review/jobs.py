"""The Discord side of the author's thank-you DM (an outbox delivery, in the author's language)."""

from __future__ import annotations

from bot.bot import SSEBot
from bot.capability import DeliveryDropped
from bot.outbox import Outgoing
from cogs.glossary_review.service import ReviewService
from cogs.glossary_review.ui import approved_dm


async def send_approved_dm(bot: SSEBot, row: Outgoing) -> int:
    async with bot.app.db.begin() as session:
        decision = await bot.app.service(ReviewService).decided(session, int(row.params["suggestion_id"]))
    if decision is None or not decision.suggestion.author_id:
        raise DeliveryDropped("the suggestion or its author is gone")
    assert row.user_id is not None
    return (await bot.delivery.dm(row.user_id, content=approved_dm(decision), nonce=row.nonce)).id
