"""/privacy rendering."""

from __future__ import annotations

import discord

from bot.catalogues import _, format_number, ngettext
from bot.ui.common import COLOUR
from cogs.privacy.service import Forgotten, PrivacySummary


def summary_embed(s: PrivacySummary) -> discord.Embed:
    embed = discord.Embed(title=_("What the bot stores about you"), colour=COLOUR)
    if s.lines:
        count = format_number(s.total)
        if s.first and s.last:
            head = ngettext("**{count}** record is stored about you, from {first} to {last}:",
                            "**{count}** records are stored about you, from {first} to {last}:", s.total).format(
                count=count, first=discord.utils.format_dt(s.first, "d"), last=discord.utils.format_dt(s.last, "d"))
        else:
            head = ngettext("**{count}** record is stored about you:", "**{count}** records are stored about you:",
                            s.total).format(count=count)
        # A kind of record, then how many: "questions in the Q&A forum: 3" reads right for any number
        # in every language (the label is the hook's, already in the reader's language).
        # TRANSLATORS: {label} is a kind of record (e.g. "session RSVPs"), {count} how many there are
        lines = "\n".join("• " + _("{label}: {count}").format(label=line.label, count=format_number(line.count))
                          for line in s.lines)
        embed.description = f"{head}\n{lines}"
    else:
        embed.description = _("Nothing is stored about you.")
    embed.set_footer(text=_("/privacy export sends you a copy; /privacy forget deletes it."))
    return embed


def forget_prompt() -> str:
    return _(
        "This deletes every message of yours the bot stored for search, the titles of your questions, "
        "your session RSVPs, feedback and attendance, and your preferences. "
        "Your messages on Discord itself are not touched. This cannot be undone. Continue?"
    )


def forgotten_text(f: Forgotten) -> str:
    # the capabilities' names stay as the code calls them (search, sessions...)
    parts = ", ".join(f"{name}: {format_number(n)}" for name, n in f.per_capability if n)
    if parts:
        return ngettext("Done: {count} record deleted or anonymised ({parts}).",
                        "Done: {count} records deleted or anonymised ({parts}).", f.total).format(
            count=format_number(f.total), parts=parts)
    return ngettext("Done: {count} record deleted or anonymised.", "Done: {count} records deleted or anonymised.",
                    f.total).format(count=format_number(f.total))
