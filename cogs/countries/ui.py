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

from bot.catalogues import draft_note
from bot.i18n import LANGUAGES
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR
from cogs.countries.service import CountryMiss, CountryProfile
from cogs.glossary.service import display_name
from cogs.resources.service import type_label

FIELD_LIMIT = 1024
ENTRY_LIMIT = 900  # one entry never fills a field alone, so a field always has room for its heading
PAGE_BUDGET = 3800  # characters per page (title, description, fields): readable, far from 6,000
PAGE_FIELDS = 8
DESCRIPTION_LIMIT = 1500
KIND_LABELS = {"law": "Law", "decree": "Decree", "strategy": "Strategy", "policy": "Policy",
               "programme": "Programme", "other": "Other"}
_URL = re.compile(r"https://\S+")


@dataclass(frozen=True)
class Section:
    name: str
    entries: tuple[str, ...]
    empty: str  # said when there are no entries


def _link(match: re.Match[str]) -> str:
    url = match.group(0).rstrip(".,;)")
    host = urlparse(url).netloc.removeprefix("www.") or "link"
    return f"[{host}]({url})" + match.group(0)[len(url):]


def sources_text(sources: tuple[str, ...] | list[str]) -> str:
    """Sources as written, with each URL shortened to a link named by its site."""
    return "Sources: " + "; ".join(_URL.sub(_link, truncate(s, 300)) for s in sources)


def sections(p: CountryProfile) -> list[Section]:
    c = p.country
    timeline = tuple(
        f"**{e.date}** · {KIND_LABELS[e.kind]} · {e.title}" + (f"\n{e.note}" if e.note else "")
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
        Section("Laws, decrees, strategies and plans", timeline, "None recorded here yet."),
        Section("Institutions", institutions, "None recorded here yet."),
        Section("Resources and programme outputs", resources, "No resource for this country in /resources yet."),
        Section("Glossary terms (/define)", terms, "No glossary term specific to this country yet."),
        Section("Upcoming sessions", sessions, "No upcoming session for this country; /sessions lists them all."),
        Section("Recently solved questions", solved, "None yet: ask the community with /ask."),
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
    return [(name if i == 0 else f"{name} (continued)", value) for i, (name, value) in enumerate(fields)]


def header(p: CountryProfile) -> str:
    c = p.country
    lines = []
    if c.names:
        lines.append(truncate("**Also called:** " + " · ".join(c.names), 600))
    lines.append("**ILO programme *Strengthening SSE Policy in Asia*:** " + ", ".join(p.phases))
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
    embed = discord.Embed(title=truncate(f"{p.country.name}: social and solidarity economy", 256), colour=COLOUR)
    if page == 1:
        embed.description = header(p)
    for name, value in grouped[page - 1]:
        embed.add_field(name=truncate(name, 256), value=value, inline=False)
    notes = [f"Page {page} of {len(grouped)}"] if len(grouped) > 1 else []
    # (unless the reply's own small print says it is a draft translation already)
    if p.language != "en" and draft_note() is None and any(t.local_name and t.draft_translation for t in p.terms):
        notes.append(f"glossary names in {LANGUAGES[p.language].english} are drafts until reviewed")
    if p.country.timeline or p.country.institutions:
        notes.append("every law, plan and institution is listed with its sources")
    if notes:
        embed.set_footer(text=truncate(" · ".join(notes), 2048))
    return embed, page, len(grouped)


def miss_embed(miss: CountryMiss) -> discord.Embed:
    embed = discord.Embed(
        title="No such programme country",
        description=(f"I don't know a programme country called **{safe_echo(miss.query, 80)}**. Any usual name "
                     "works, in any language (e.g. Lao PDR, ລາວ, Việt Nam, 한국, Кыргызстан)."),
        colour=ERROR_COLOUR,
    )
    if miss.suggestions:
        embed.add_field(name="Did you mean", value="\n".join(f"• {name}" for _, name in miss.suggestions), inline=False)
    return embed
