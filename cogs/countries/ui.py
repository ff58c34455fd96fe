"""Country profile rendering: the profile split into pages that keep within Discord's limits.

Every section is a list of entries (one law, one institution, one resource...). Entries are
packed into fields of at most 1,024 characters (a long section continues in a second field) and
fields into pages of at most PAGE_BUDGET characters and PAGE_FIELDS fields, well under an embed's
6,000 characters and 25 fields, so a profile of any length is read page by page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

import discord

from bot.catalogues import _, draft_note, format_number
from bot.i18n import LANGUAGES
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR
from cogs.countries.service import KIND_LABELS, CountryMiss, CountryProfile
from cogs.glossary.service import display_name
from cogs.plans.wording import summary_for_country
from cogs.resources.service import type_label

FIELD_LIMIT = 1024
ENTRY_LIMIT = 900  # one entry never fills a field alone, so a field always has room for its heading
PAGE_BUDGET = 3800  # characters per page (title, description, fields): readable, far from 6,000
PAGE_FIELDS = 8
DESCRIPTION_LIMIT = 1500
_URL = re.compile(r"https://\S+")


@dataclass(frozen=True)
class Section:
    name: str  # in the reader's language, like ``empty``
    entries: tuple[str, ...]
    empty: str  # said when there are no entries


def _link(match: re.Match[str]) -> str:
    url = match.group(0).rstrip(".,;)")
    host = urlparse(url).netloc.removeprefix("www.") or "link"
    return f"[{host}]({url})" + match.group(0)[len(url):]


def sources_text(sources: tuple[str, ...] | list[str]) -> str:
    """Sources as written, with each URL shortened to a link named by its site."""
    return _("Sources: {sources}").format(sources="; ".join(_URL.sub(_link, truncate(s, 300)) for s in sources))


def sections(p: CountryProfile) -> list[Section]:
    c = p.country
    timeline = tuple(
        f"**{e.date}** · {_(KIND_LABELS[e.kind])} · {e.title}" + (f"\n{e.note}" if e.note else "")
        + f"\n{sources_text(e.sources)}" for e in c.timeline)
    institutions = tuple(f"**{i.name}**: {i.role}\n{sources_text(i.sources)}" for i in c.institutions)
    resources = tuple(
        (f"[{r.title}]({r.url})" if r.url else f"{r.title} ({r.publisher})")
        + f" · {type_label(r.type)} · {r.status_label}"
        for r in p.resources)
    terms = tuple(display_name(t.term, t.local_name) for t in p.terms)
    sessions = tuple(f"{discord.utils.format_dt(s.start_utc, 'f')} · #{s.id} {safe_echo(s.title, 100)}"
                     for s in p.sessions)
    solved = tuple(f"[{safe_echo(q.title, 100)}]({q.jump_url})" for q in p.solved)
    return [
        Section(_("Laws, decrees, strategies and plans"), timeline, _("None recorded here yet.")),
        Section(_("Institutions"), institutions, _("None recorded here yet.")),
        Section(_("Resources and programme outputs"), resources, _("No resource for this country in /resources yet.")),
        Section(_("Glossary terms (/define)"), terms, _("No glossary term specific to this country yet.")),
        Section(_("Upcoming sessions"), sessions, _("No upcoming session for this country; /sessions lists them all.")),
        Section(_("Recently solved questions"), solved, _("None yet: ask the community with /ask.")),
        Section(_("National action plan"), tuple(summary_for_country(p.plan)) if p.plan else (),
                _("No action plan in the bot yet.")),
    ]


def _fields(section: Section) -> list[tuple[str, str]]:
    """A section as fields of at most FIELD_LIMIT characters, continued under the same heading."""
    entries = [truncate(e, ENTRY_LIMIT) for e in section.entries] or [section.empty]
    fields: list[tuple[str, str]] = []
    chunk = ""
    for entry in entries:
        if chunk and len(chunk) + 1 + len(entry) > FIELD_LIMIT:
            fields.append((section.name, chunk))
            chunk = entry
        else:
            chunk = f"{chunk}\n{entry}" if chunk else entry
    fields.append((section.name, chunk))
    return [(name if i == 0 else _("{section} (continued)").format(section=name), value)
            for i, (name, value) in enumerate(fields)]


def header(p: CountryProfile) -> str:
    c = p.country
    lines = []
    if c.names:
        lines.append(truncate(_("**Also called:** {names}").format(names=" · ".join(c.names)), 600))
    lines.append(_("**ILO programme *Strengthening SSE Policy in Asia*:** {phases}").format(
        phases=", ".join(_(phase) for phase in p.phases)))
    if c.summary:
        lines += ["", c.summary, sources_text(c.summary_sources)]
    return truncate("\n".join(lines), DESCRIPTION_LIMIT)


def pages(p: CountryProfile) -> list[list[tuple[str, str]]]:
    """The profile's fields, grouped into pages; the first page also carries the header."""
    out: list[list[tuple[str, str]]] = [[]]
    used = len(header(p))
    for section in sections(p):
        for name, value in _fields(section):
            size = len(name) + len(value)
            if out[-1] and (used + size > PAGE_BUDGET or len(out[-1]) >= PAGE_FIELDS):
                out.append([])
                used = 0
            out[-1].append((name, value))
            used += size
    return out


def profile_embed(p: CountryProfile, page: int = 1) -> tuple[discord.Embed, int, int]:
    """Page ``page`` of the profile (clamped), and how many pages there are."""
    grouped = pages(p)
    page = min(max(page, 1), len(grouped))
    embed = discord.Embed(title=truncate(_("{country}: social and solidarity economy").format(country=p.country.name),
                                         256), colour=COLOUR)
    if page == 1:
        embed.description = header(p)
    for name, value in grouped[page - 1]:
        embed.add_field(name=truncate(name, 256), value=value, inline=False)
    notes = [_("Page {page} of {pages}").format(page=format_number(page), pages=format_number(len(grouped)))
             ] if len(grouped) > 1 else []
    # (unless the reply's own small print says it is a draft translation already)
    if p.language != "en" and draft_note() is None and any(t.local_name and t.draft_translation for t in p.terms):
        # TRANSLATORS: {language} is the language's own name, e.g. "ไทย"
        notes.append(_("glossary names in {language} are drafts until reviewed").format(
            language=LANGUAGES[p.language].native))
    if p.country.timeline or p.country.institutions:
        notes.append(_("every law, plan and institution is listed with its sources"))
    if notes:
        embed.set_footer(text=truncate(" · ".join(notes), 2048))
    return embed, page, len(grouped)


def miss_embed(miss: CountryMiss) -> discord.Embed:
    embed = discord.Embed(
        title=_("No such programme country"),
        description=_("I don't know a programme country called **{typed}**. Any usual name works, in any language "
                      "(e.g. Lao PDR, ລາວ, Việt Nam, 한국, Кыргызстан).").format(typed=safe_echo(miss.query, 80)),
        colour=ERROR_COLOUR,
    )
    if miss.suggestions:
        embed.add_field(name=_("Did you mean"), value="\n".join(f"• {name}" for _code, name in miss.suggestions),
                        inline=False)
    return embed
