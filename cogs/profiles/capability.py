"""The capability record of member profiles, the members directory and routing to peers."""

from __future__ import annotations

from bot.capability import Capability
from cogs.profiles import models  # noqa: F401  (the tables join Base.metadata)
from cogs.profiles.privacy import PRIVACY

CAPABILITY = Capability(
    name="profiles",
    privacy=PRIVACY,
)
