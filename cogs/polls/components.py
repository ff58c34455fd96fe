"""The buttons of availability polls: ``DynamicItem`` templates, so they work after a restart.

Ids carry only the poll and slot; who may see results, plan or close is decided by PollService."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _, format_number, use_language
from bot.outbox import PARKED
from bot.text import safe_echo
from bot.ui.common import DynamicView, actor_of, guarded, member_language, reply
from cogs.polls.service import PollInfo, PollService, load_poll
from cogs.polls.ui import poll_embed, results_embed
from cogs.sessions.planning import PlanningService

log = logging.getLogger(__name__)
VOTE, RESULTS, PLAN_SLOT, CLOSE = N_("Vote"), N_("Results (facilitators)"), N_("Plan this slot"), N_(
    "Close without a session")


def poll_view(poll: PollInfo) -> discord.ui.View | None:
    """The poll's buttons, in the language of the moment (the server's on the public poll)."""
    if not poll.open:
        return None
    view = DynamicView()
    for slot in poll.slots:
        view.add_item(PollVoteButton(poll.id, slot.id, _("Slot {number} ({count})").format(
            number=slot.position, count=format_number(slot.votes))))
    view.add_item(PollResultsButton(poll.id))
    return view


def public_poll(bot: SSEBot, poll: PollInfo) -> tuple[discord.Embed, discord.ui.View | None]:
    """The public poll as everyone sees it: in the server's language, whoever's click updated it."""
    with use_language(bot.app.guild.current.language):
        return poll_embed(poll), poll_view(poll)


def results_view(poll: PollInfo) -> discord.ui.View | None:
    if not poll.open:
        return None
    view = DynamicView()
    leading = poll.leading
    for slot in poll.slots:
        view.add_item(PollDecideButton(poll.id, slot.id, _("Plan slot {number}").format(number=slot.position),
                                       leading is not None and slot.id == leading.id))
    view.add_item(PollCloseButton(poll.id))
    return view


async def show_counts(bot: SSEBot, poll: PollInfo) -> None:
    """The live counts on the poll, when the click came from elsewhere. Not queued: an edit carries
    no news of its own, and the next vote brings the counts up to date anyway."""
    if poll.channel_id and poll.message_id:
        embed, view = public_poll(bot, poll)
        try:
            await bot.delivery.edit(poll.channel_id, poll.message_id, embed=embed, view=view)
        except discord.HTTPException as exc:
            log.info("counts of poll %s not shown on it: %s", poll.id, exc)


class PollVoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"sse:polls:vote:(?P<poll>\d+):(?P<slot>\d+)"):
    def __init__(self, poll_id: int, slot_id: int, label: str | None = None):
        super().__init__(discord.ui.Button(label=label or _(VOTE), style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:polls:vote:{poll_id}:{slot_id}"))
        self.poll_id, self.slot_id = poll_id, slot_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PollVoteButton:
        return cls(int(match["poll"]), int(match["slot"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.vote(interaction))

    async def vote(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        polls = app.service(PollService)
        async with app.db.begin_write() as session:
            result = await polls.vote(session, self.poll_id, self.slot_id, interaction.user.id)
            mine = await polls.my_votes(session, self.poll_id, interaction.user.id)
        poll = result.poll
        message = interaction.message
        if message is not None and message.id == poll.message_id:
            embed, view = public_poll(interaction.client, poll)
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.defer()
            await show_counts(interaction.client, poll)
        chosen = [s for s in poll.slots if s.id in mine]
        where = ", ".join(_("slot {number} ({when})").format(number=s.position,
                                                            when=discord.utils.format_dt(s.start_utc, "f"))
                          for s in chosen)
        text = (_("Your vote for slot {number} is counted. Your votes: {votes}.") if result.voted
                else _("Your vote for slot {number} is taken back. Your votes: {votes}."))
        await reply(interaction, content=text.format(number=result.slot.position, votes=where or _("none")),
                    ephemeral=True)


class PollResultsButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:polls:results:(?P<poll>\d+)"):
    def __init__(self, poll_id: int):
        super().__init__(discord.ui.Button(label=_(RESULTS), emoji="📊",
                                           style=discord.ButtonStyle.secondary, custom_id=f"sse:polls:results:{poll_id}"))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PollResultsButton:
        return cls(int(match["poll"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: show_results(interaction, self.poll_id))


async def show_results(interaction: discord.Interaction[SSEBot], poll_id: int) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        results = await app.service(PollService).results(session, actor_of(interaction), poll_id)
    planning = app.service(PlanningService)
    outside = {s.id: [t.country_name for t in planning.outside_hours(s.start_utc, results.poll.countries)]
               for s in results.poll.slots}
    await reply(interaction, embed=results_embed(results, outside), view=results_view(results.poll) or discord.utils.MISSING,
                ephemeral=True)


class PollDecideButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"sse:polls:decide:(?P<poll>\d+):(?P<slot>\d+)"):
    """Facilitators: this slot becomes a session (announced as /session create does), the poll closes."""

    def __init__(self, poll_id: int, slot_id: int, label: str | None = None, leading: bool = False):
        super().__init__(discord.ui.Button(label=label or _(PLAN_SLOT), custom_id=f"sse:polls:decide:{poll_id}:{slot_id}",
                                           style=discord.ButtonStyle.success if leading else discord.ButtonStyle.secondary))
        self.poll_id, self.slot_id = poll_id, slot_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PollDecideButton:
        return cls(int(match["poll"]), int(match["slot"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.decide(interaction))

    async def decide(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        actor = actor_of(interaction)
        polls = app.service(PollService)
        if not polls.may_manage(actor):  # asked before deferring, so the refusal is a plain reply
            async with app.db.begin() as session:
                await polls.results(session, actor, self.poll_id)  # raises the polite refusal
        await interaction.response.defer(ephemeral=True, thinking=True)
        languages = (await member_language(interaction, None),)
        async with app.db.begin() as session:
            decision = await polls.decide(session, actor, self.poll_id, self.slot_id, languages=languages)
        outcomes = await interaction.client.delivery.deliver_now(decision.deliveries)
        interaction.client.delivery.kick()
        first = decision.sessions[0]
        text = _("Planned **{title}** (#{id}) at {when} from poll #{poll}, which is now closed.").format(
            title=safe_echo(first.title), id=first.id, when=discord.utils.format_dt(first.start_utc, "F"),
            poll=decision.poll.id)
        if any(outcome == PARKED for outcome in outcomes.values()):
            text += "\n⚠️ " + _("Something could not be posted (check my permissions in the announcements channel).")
        await reply(interaction, content=text, ephemeral=True)


class PollCloseButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:polls:close:(?P<poll>\d+)"):
    def __init__(self, poll_id: int):
        super().__init__(discord.ui.Button(label=_(CLOSE), style=discord.ButtonStyle.danger,
                                           custom_id=f"sse:polls:close:{poll_id}"))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> PollCloseButton:
        return cls(int(match["poll"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.close(interaction))

    async def close(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        async with app.db.begin() as session:
            poll, keys = await app.service(PollService).close_poll(session, actor_of(interaction), self.poll_id)
        await reply(interaction, content=_("Poll #{id} is closed; no session was planned.").format(id=poll.id),
                    ephemeral=True)
        await interaction.client.delivery.deliver_now(keys)


async def current_poll(bot: SSEBot, poll_id: int) -> PollInfo:
    async with bot.app.db.begin() as session:
        return await load_poll(session, poll_id)


COMPONENTS = (PollVoteButton, PollResultsButton, PollDecideButton, PollCloseButton)
