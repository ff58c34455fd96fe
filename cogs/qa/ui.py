"""Q&A rendering: the /ask modal, similar questions, the forum post, routing notices."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, guarded
from cogs.qa.service import MAX_BODY, MAX_TITLE, QuestionDraft, Routing, SimilarQuestion, Solved

if TYPE_CHECKING:
    from bot.bot import SSEBot

# (interaction, title, body, country, topic) -> None
SubmitHandler = Callable[[discord.Interaction[Any], str, str, str, str], Awaitable[None]]
# (interaction, draft id) -> None
PostHandler = Callable[[discord.Interaction[Any], int], Awaitable[None]]


class AskModal(discord.ui.Modal):
    title_input: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Title", placeholder="One line: what do you want to know?", max_length=MAX_TITLE,
        custom_id="sse:qa:ask:title",
    )
    body: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Question", style=discord.TextStyle.paragraph, max_length=MAX_BODY,
        placeholder="Context helps: your country, your organisation, what you tried.", custom_id="sse:qa:ask:body",
    )
    country: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Country", required=False, max_length=40, custom_id="sse:qa:ask:country",
    )
    topic: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label="Topic", required=False, max_length=40, custom_id="sse:qa:ask:topic",
    )

    def __init__(self, on_submit: SubmitHandler, countries: list[str], topics: list[str]):
        # No timeout: one pending modal per member (a new /ask replaces it), no timer task per modal.
        super().__init__(title="Ask the community", custom_id="sse:qa:ask", timeout=None)
        self._handler = on_submit
        if countries:
            self.country.placeholder = truncate(", ".join(countries), 100)
        if topics:
            self.topic.placeholder = truncate(", ".join(topics), 100)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, lambda: self._handler(
            interaction, self.title_input.value, self.body.value, self.country.value, self.topic.value,
        ))


class PostAnywayButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:qa:post:(?P<draft>\d+)"):
    """Posts a saved draft after the asker has seen the similar questions."""

    handler: PostHandler | None = None  # set by the Q&A cog when it loads

    def __init__(self, draft_id: int):
        super().__init__(discord.ui.Button(label="Post anyway", style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:qa:post:{draft_id}"))
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PostAnywayButton:
        return cls(int(match["draft"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        handler = PostAnywayButton.handler
        assert handler is not None
        await guarded(interaction, lambda: handler(interaction, self.draft_id))


def similar_embed(draft: QuestionDraft, similar: list[SimilarQuestion]) -> discord.Embed:
    embed = discord.Embed(
        title="Has this been asked already?",
        description="These questions look similar. Open one to read the answers, or post yours anyway.",
        colour=COLOUR,
    )
    for q in similar:
        mark = "✅ Solved" if q.solved else "Open"
        embed.add_field(name=truncate(f"{mark}: {q.title}", 256), value=f"[Open the post]({q.jump_url})", inline=False)
    embed.set_footer(text=truncate(f"Your question: {draft.title}", 2048))
    return embed


def post_anyway_view(draft_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PostAnywayButton(draft_id))
    return view


def starter_content(draft: QuestionDraft, asker_id: int) -> str:
    meta = " · ".join(x for x in (draft.country, draft.topic) if x)
    lines = [draft.body, "", f"— asked by <@{asker_id}>" + (f" · {meta}" if meta else "")]
    return truncate("\n".join(lines), 2000)


def solved_notice(solved: Solved, by_id: int) -> str:
    if solved.answer_url:
        return f"✅ Marked as solved by <@{by_id}>. Accepted answer: {solved.answer_url}"
    return f"✅ Marked as solved by <@{by_id}>."


def routing_notice(routing: Routing, hours: float) -> str:
    roles = " ".join(f"<@&{r}>" for r in routing.role_ids)
    who = "helpers" if routing.target == "helpers" else "facilitators"
    return truncate(
        f"{roles} this question has had no reply for {hours:g} hours. Could one of our {who} take a look? "
        f"**{safe_echo(routing.title, 100)}**",
        2000,
    )
