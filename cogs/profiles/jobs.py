"""Routing unanswered questions to peers who know: the job that claims the step and enqueues one
private note per peer, and how the outbox sends such a note.

The claim, the (question, peer) rows and the outbox rows are written in one transaction
(cogs/profiles/service.py ``route_peers``), so a note is never sent twice, even with two instances
or after a restart, and a note Discord refuses for a while is retried by the outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.capability import DeliveryDropped
from bot.delivery import DM_LANE
from bot.outbox import Outgoing
from cogs.profiles.service import ProfileService
from cogs.profiles.ui import peer_note
from cogs.qa.models import Question

if TYPE_CHECKING:
    from bot.bot import SSEBot

PEER = "profiles.peer"  # the outbox kind (cogs/profiles/capability.py)


def note_key(thread_id: int, peer_user_id: int) -> str:
    return f"qa:peer:{thread_id}:{peer_user_id}"


async def route_peers(bot: SSEBot, now: datetime | None = None) -> int:
    """Claim the peer steps that are due and enqueue their notes; returns how many notes."""
    app = bot.app
    notes = 0
    async with app.db.begin_write() as session:
        due = await app.service(ProfileService).route_peers(session, now or datetime.now(UTC))
        for routing in due:
            for peer in routing.peer_user_ids:
                notes += await app.outbox.enqueue(
                    session, note_key(routing.thread_id, peer), PEER, user_id=peer,
                    params={"thread_id": routing.thread_id, "guild_id": routing.guild_id, "title": routing.title,
                            "topic": routing.topic, "country": routing.country},
                )
    if notes:
        await bot.delivery.run_due(DM_LANE)
    return notes


async def send_peer_note(bot: SSEBot, row: Outgoing) -> int:
    assert row.user_id is not None
    p = row.params
    async with bot.app.db.begin() as session:
        question = await session.get(Question, p["thread_id"])
    if question is None or question.first_reply_at is not None or question.solved_at is not None:
        raise DeliveryDropped("the question was answered (or removed) before the note went out")
    text = peer_note(p["title"], p["topic"], p.get("country"), p["guild_id"], p["thread_id"],
                     bot.app.config.qa.peer_requests_per_week)
    return (await bot.delivery.dm(row.user_id, content=text, nonce=row.nonce)).id
