"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext, lazy
from cogs.glossary import thesaurus
from cogs.resources import cli
from cogs.resources.service import ResourceService


def _services(ctx: ServiceContext) -> list[object]:
    return [ResourceService(ctx.content.resources, thesaurus=thesaurus.provided(ctx))]


CAPABILITY = Capability(
    name="resources", extension="cogs.resources.cog", services=_services, cli=cli.register,
    pagers={"resources": lazy("cogs.resources.cog:render_page")},  # the saved-query kind of /resources
    web="cogs.resources.web:routes",  # /resources with the same filters (bot/web/)
)
