"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.capability import Capability, Job, Need, ServiceContext, lazy
from bot.catalogues import N_
from bot.config import Config
from cogs.glossary import thesaurus
from cogs.search import cli, privacy, writer
from cogs.search.service import SearchService

if TYPE_CHECKING:
    from bot.app import App


def _dedicated(config: Config) -> bool:
    return config.archive.search_engine == "tantivy"


def _services(ctx: ServiceContext) -> list[object]:
    services: list[object] = [writer.ArchiveWriter(ctx.db),
                              SearchService(ctx.config, ctx.guild, thesaurus=thesaurus.provided(ctx))]
    if _dedicated(ctx.config):
        from db.search_index import SearchIndex

        index = SearchIndex(ctx.settings.search_index_dir, ctx.db)
        ctx.db.use_search_index(index)  # every search from now on, in the bot, the web and the CLI
        services.append(index)
    return services


async def _open_index(app: App) -> None:
    """Open the dedicated engine's index and apply what was written while the bot was away (built in
    the background when there is none: the database's own index answers until it is ready)."""
    if _dedicated(app.config):
        from db.search_index import SearchIndex

        await app.service(SearchIndex).catch_up()


CAPABILITY = Capability(name="search", extension="cogs.search.cog", on_start=_open_index,
                        # the dedicated engine applies what was written since it last looked, so a
                        # search after a quiet moment has nothing left to apply
                        jobs=[Job("search:index", lazy("cogs.search.jobs:catch_up_index"),
                                  every_seconds=lambda config: 5.0, when=_dedicated)],
                        pagers={"search": lazy("cogs.search.cog:render_page")}, services=_services,
                        privacy=privacy.PRIVACY,
                        permissions=[
                            Need("view_channel", "archived", N_("store the channel's messages for /search")),
                            Need("read_message_history", "archived", N_("back-fill and re-check the channel's history")),
                            Need("read_message_history", "qa_forum", N_("re-check Q&A posts edited while the bot was away")),
                        ],
                        cli=cli.register)
