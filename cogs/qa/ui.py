"""Q&A rendering: similar questions, the forum post, solved and routing notices.

What the asker alone reads is in their language; what the forum shows everyone (the post's
asker line, the solved notice, the notice to helpers) is in the server's: callers wrap those in
``use_language`` (the outbox does it for the routing notice)."""

from __future__ import annotations

import discord

from bot.catalogues import _, format_number, ngettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.qa.lifecycle import HELPERS_PER_PAGE, INACTIVE, RESOLVED, HelpersPage
from cogs.qa.service import QuestionDraft, Routing, SimilarQuestion, Solved


def similar_embed(draft: QuestionDraft, similar: list[SimilarQuestion]) -> discord.Embed:
    embed = discord.Embed(
        title=_("Has this been asked already?"),
        description=_("These questions look similar. Open one to read the answers, or post yours anyway."),
        colour=COLOUR,
    )
    for q in similar:
        # TRANSLATORS: a similar question's state, then its title
        name = (_("✅ Solved: {title}") if q.solved else _("Open: {title}")).format(title=q.title)
        embed.add_field(name=truncate(name, 256), value=_("[Open the post]({link})").format(link=q.jump_url),
                        inline=False)
    embed.set_footer(text=truncate(_("Your question: {title}").format(title=draft.title), 2048))
    return embed


def starter_content(draft: QuestionDraft, asker_id: int) -> str:
    meta = " · ".join(x for x in (draft.country, draft.topic) if x)
    asked = (_("— asked by {member} · {tags}") if meta else _("— asked by {member}")).format(
        member=f"<@{asker_id}>", tags=meta)
    return truncate("\n".join([draft.body, "", asked]), 2000)


def solved_notice(solved: Solved, by_id: int) -> str:
    if solved.answer_url:
        return _("✅ Marked as solved by {member}. Accepted answer: {link}").format(
            member=f"<@{by_id}>", link=solved.answer_url)
    return _("✅ Marked as solved by {member}.").format(member=f"<@{by_id}>")


def routing_notice(routing: Routing, hours: float) -> str:
    roles = " ".join(f"<@&{r}>" for r in routing.role_ids)
    title = safe_echo(routing.title, 100)
    n = int(hours) if float(hours).is_integer() else 2  # gettext counts whole numbers: a fraction reads as plural
    if routing.target == "helpers":
        text = ngettext("{roles} this question has had no reply for {hours} hour. Could one of our helpers take a "
                        "look? **{title}**",
                        "{roles} this question has had no reply for {hours} hours. Could one of our helpers take a "
                        "look? **{title}**", n)
    else:
        text = ngettext("{roles} this question has had no reply for {hours} hour. Could one of our facilitators "
                        "take a look? **{title}**",
                        "{roles} this question has had no reply for {hours} hours. Could one of our facilitators "
                        "take a look? **{title}**", n)
    return truncate(text.format(roles=roles, hours=format_number(hours), title=title), 2000)


# ---------------------------------------------------------------------------- lifecycle
def _how_to_reopen() -> str:
    return _("Anyone can open it again by writing here; the asker or a facilitator can also use /reopen.")


def close_note(reason: str, by_id: int | None, days: int = 0) -> str:
    """The note left in a post as it closes (read by everyone: the server's language)."""
    if reason == INACTIVE:
        text = ngettext("🔒 This post is closed: it had no new message for {days} day.",
                        "🔒 This post is closed: it had no new message for {days} days.", days).format(
            days=format_number(days))
    elif reason == RESOLVED:
        text = _("🔒 {member} closed this post as resolved.").format(member=f"<@{by_id}>")
    else:
        text = _("🔒 {member} closed this post without a resolution.").format(member=f"<@{by_id}>")
    return f"{text} {_how_to_reopen()}"


def reopen_note(by_id: int) -> str:
    return _("🔓 {member} reopened this post.").format(member=f"<@{by_id}>")


def nudge_note(asker_id: int) -> str:
    """The one reminder to the asker (the only user it pings)."""
    return _("{member} your question has replies. If one of them answers it, please mark it: right-click or "
             "long-press the reply, then Apps > Mark as answer (or use /solved here). That helps the next "
             "person with the same question. Thank you!").format(member=f"<@{asker_id}>")


def helpers_embed(result: HelpersPage, names: dict[int, str], zone: str) -> discord.Embed:
    """Members whose answers were accepted in the month, by name (never a mention)."""
    month = result.month.label(zone)
    embed = discord.Embed(title=truncate(_("Helpers of {month}").format(month=month), 256), colour=COLOUR)
    if not result.helpers:
        embed.description = _("No answer was accepted in {month}.").format(month=month)
        return embed
    first = (result.page - 1) * HELPERS_PER_PAGE + 1
    lines = []
    gone = _("a former member")
    for i, helper in enumerate(result.helpers, start=first):
        count = ngettext("{count} accepted answer", "{count} accepted answers", helper.accepted).format(
            count=format_number(helper.accepted))
        lines.append(f"{format_number(i)}. {names.get(helper.user_id) or gone} · {count}")
    embed.description = truncate("\n".join(lines), 4096)
    embed.set_footer(text=_("Page {page} of {pages} · counted in the month the answer was accepted").format(
        page=format_number(result.page), pages=format_number(result.pages)))
    return embed
