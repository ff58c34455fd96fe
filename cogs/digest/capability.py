"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job
from bot.config import Config
from cogs.digest.jobs import WEEKLY, post_digest, send_digest


def _weekly(config: Config) -> tuple[str, str] | None:
    return (config.digest.day, config.digest.time) if config.digest.enabled else None


CAPABILITY = Capability(
    name="digest",
    jobs=[Job("digest:weekly", post_digest, weekly=_weekly)],
    deliveries={WEEKLY: DeliveryKind(send_digest, needs="View Channel, Send Messages and Embed Links")},
)
