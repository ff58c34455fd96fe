"""/privacy rendering."""

from __future__ import annotations

import discord

from bot.catalogues import _, format_number, ngettext
from bot.text import safe_echo
from bot.ui.common import COLOUR
from cogs.privacy.publish import Publishing
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
    embed.add_field(name=_("On the public web site"), value=publish_state(s.published), inline=False)
    embed.set_footer(text=_("/privacy export sends you a copy; /privacy forget deletes it."))
    return embed


def publish_state(on: bool) -> str:
    if on:
        return _("Published: your solved questions and your answers are on the web site. "
                 "/privacy publish off takes them down at once.")
    return _("Not published: nothing you wrote is on the web site. /privacy publish on publishes your "
             "solved questions and your answers.")


def published_text(p: Publishing) -> str:
    """The answer to /privacy publish on|off: what is published, what is not, and how to undo it."""
    if p.on:
        return "\n".join([
            _("Publishing is on. The public web site, which anyone can read without Discord, now shows:"),
            "• " + _("your questions in the Q&A forum once they are solved (title and text), with your name;"),
            "• " + _("your answers in Q&A posts, with your name, under questions whose askers publish too."),
            "• " + _("your member profile, if you made one with /profile set (country, organisation type, topics, "
                     "languages, bio), in the members directory."),
            _("Your name there: **{name}**. Messages in discussion channels are never published, and "
              "neither is anything of members who did not turn this on.").format(name=safe_echo(p.name or "—", 80)),
            _("/privacy publish off removes your pages and answers at once."),
        ])
    return "\n".join([
        _("Publishing is off: the web site shows nothing you wrote, from now on. Under other members' questions "
          "your answers appear only as “an answer from a member who has not published their messages”, "
          "without text or name."),
        _("Search engines may take a few days to drop pages they saw earlier. /privacy publish on publishes again."),
    ])


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
