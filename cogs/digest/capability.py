"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, Need, lazy
from bot.catalogues import N_
from bot.config import Config


def _weekly(config: Config) -> tuple[str, str] | None:
    return (config.digest.day, config.digest.time) if config.digest.enabled else None


CAPABILITY = Capability(
    name="digest",
    jobs=[Job("digest:weekly", lazy("cogs.digest.jobs:post_digest"), weekly=_weekly)],
    deliveries={"digest.weekly": DeliveryKind(lazy("cogs.digest.jobs:send_digest"), needs="View Channel, Send Messages and Embed Links")},
    permissions=[Need(flag, "digest", why, when=lambda config: config.digest.enabled) for flag, why in (
        ("view_channel", N_("see the digest channel")), ("send_messages", N_("post the weekly digest")),
        ("embed_links", N_("show the digest as an embed")))],
)
