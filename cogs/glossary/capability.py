"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext, lazy
from cogs.glossary import cli
from cogs.glossary.browse import GlossaryIndex
from cogs.glossary.service import GlossaryService
from cogs.glossary.thesaurus import Thesaurus


def _services(ctx: ServiceContext) -> list[object]:
    return [GlossaryService(ctx.content.terms), GlossaryIndex(ctx.content.terms), Thesaurus(ctx.content.terms)]


CAPABILITY = Capability(
    name="glossary", extension="cogs.glossary.cog", services=_services, cli=cli.register,
    pagers={"glossary": lazy("cogs.glossary.cog:render_page")},  # the saved-query kind of /glossary pages
    web="cogs.glossary.web:routes",  # /glossary and a page per term (bot/web/)
)
