"""How profiles, the members directory and a peer's note read on Discord. Every value a member
typed is made inert (no markdown, no mention) before it is shown."""

from __future__ import annotations

import discord

from bot.catalogues import _, format_number, language_name, ngettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.profiles.service import MAX_BIO, DirectoryPage, Profile, org_type_label
from cogs.search.archive import jump_url

NOT_SAID = "—"


def _languages(profile: Profile) -> str:
    return ", ".join(language_name(code) for code in profile.languages) or NOT_SAID


def _topics(profile: Profile) -> str:
    return ", ".join(safe_echo(t, 40) for t in profile.topics) or NOT_SAID


def _organisation(profile: Profile) -> str:
    kind = org_type_label(profile.org_type)
    return f"{kind}: {safe_echo(profile.org_name, 100)}" if profile.org_name else kind


def profile_embed(profile: Profile, *, own: bool = False) -> discord.Embed:
    """One member's profile, everything they chose to share (the mention shows their name, pings no one)."""
    embed = discord.Embed(title=_("Member profile"), description=f"<@{profile.user_id}>", colour=COLOUR)
    embed.add_field(name=_("Country"), value=safe_echo(profile.country_name, 100) if profile.country_name else NOT_SAID)
    embed.add_field(name=_("Organisation"), value=truncate(_organisation(profile), 1024))
    embed.add_field(name=_("Languages"), value=truncate(_languages(profile), 1024))
    embed.add_field(name=_("Topics they know about"), value=truncate(_topics(profile), 1024), inline=False)
    embed.add_field(name=_("Bio"), value=safe_echo(profile.bio, MAX_BIO + 1, multiline=True) if profile.bio else NOT_SAID,
                    inline=False)
    embed.add_field(name=_("Happy to be asked about these topics"), value=_("Yes") if profile.happy_to_be_asked else _("No"),
                    inline=False)
    if own:
        embed.set_footer(text=_("Other members see this with /profile show and /members. /profile remove deletes it."))
    return embed


def directory_line(profile: Profile) -> str:
    parts = [f"<@{profile.user_id}>"]
    if profile.country_name:
        parts.append(safe_echo(profile.country_name, 40))
    parts.append(_organisation(profile))
    line = " · ".join(parts)
    details = []
    if profile.topics:
        details.append(_topics(profile))
    if profile.languages:
        details.append(_languages(profile))
    if profile.happy_to_be_asked:
        details.append(_("happy to be asked"))
    if details:
        line += "\n" + " · ".join(details)
    if profile.bio:
        line += "\n> " + safe_echo(profile.bio, 120)
    return truncate(line, 390)


def directory_embed(page: DirectoryPage) -> discord.Embed:
    if not page.members:
        return discord.Embed(title=_("Members"), colour=COLOUR, description=_(
            "No member with a profile matches. Members appear here once they use /profile set."))
    title = ngettext("{count} member with a profile", "{count} members with a profile", page.total).format(
        count=format_number(page.total))
    embed = discord.Embed(title=title, colour=COLOUR,
                          description=truncate("\n\n".join(directory_line(p) for p in page.members), 4096))
    embed.set_footer(text=_("Page {page} of {pages} · /profile show for one member · /profile set for your own").format(
        page=format_number(page.page), pages=format_number(page.pages)))
    return embed


def peer_note(title: str, topic: str, country: str | None, guild_id: int, thread_id: int, per_week: int) -> str:
    """The private note to a peer who said they are happy to be asked about ``topic``."""
    where = (_("A question on {topic} in {country} has no answer yet:").format(
        topic=safe_echo(topic, 40), country=safe_echo(country, 40)) if country
             else _("A question on {topic} has no answer yet:").format(topic=safe_echo(topic, 40)))
    return "\n".join([
        where,
        f"**{safe_echo(title, 100)}** {jump_url(guild_id, thread_id, thread_id)}",
        _("Your profile says you are happy to be asked about this topic. A reply in the post helps a lot, "
          "even a short one or a pointer to someone who knows."),
        ngettext("You get at most {count} such note a week. /profile set turns them off.",
                 "You get at most {count} such notes a week. /profile set turns them off.", per_week).format(
            count=format_number(per_week)),
    ])
