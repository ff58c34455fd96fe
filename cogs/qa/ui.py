"""Q&A rendering: similar questions, the forum post, solved and routing notices."""

from __future__ import annotations

import discord

from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.qa.service import QuestionDraft, Routing, SimilarQuestion, Solved


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
