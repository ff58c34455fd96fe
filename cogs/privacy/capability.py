"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext
from cogs.privacy.service import SHARED_HOOK, PrivacyService


def _services(ctx: ServiceContext) -> list[object]:
    return [PrivacyService(ctx.capabilities)]


CAPABILITY = Capability(name="privacy", extension="cogs.privacy.cog", services=_services, privacy=SHARED_HOOK)
