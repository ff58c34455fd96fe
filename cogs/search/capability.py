"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, Need, ServiceContext, lazy
from bot.catalogues import N_
from cogs.glossary import thesaurus
from cogs.search import cli, privacy, writer
from cogs.search.service import SearchService


def _services(ctx: ServiceContext) -> list[object]:
    return [writer.ArchiveWriter(ctx.db), SearchService(ctx.config, ctx.guild, thesaurus=thesaurus.provided(ctx))]


CAPABILITY = Capability(name="search", extension="cogs.search.cog",
                        pagers={"search": lazy("cogs.search.cog:render_page")}, services=_services,
                        privacy=privacy.PRIVACY,
                        permissions=[
                            Need("view_channel", "archived", N_("store the channel's messages for /search")),
                            Need("read_message_history", "archived", N_("back-fill and re-check the channel's history")),
                            Need("read_message_history", "qa_forum", N_("re-check Q&A posts edited while the bot was away")),
                        ],
                        cli=cli.register)
