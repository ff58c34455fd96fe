"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext, lazy
from cogs.search import cli, privacy, writer
from cogs.search.service import SearchService


def _services(ctx: ServiceContext) -> list[object]:
    return [writer.ArchiveWriter(ctx.db), SearchService(ctx.config)]


CAPABILITY = Capability(name="search", extension="cogs.search.cog",
                        pagers={"search": lazy("cogs.search.cog:render_page")}, services=_services,
                        privacy=privacy.PRIVACY,
                        cli=cli.register)
