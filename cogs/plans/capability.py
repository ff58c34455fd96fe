"""The capability record of national action plans and policy consultations."""

from __future__ import annotations

from bot.capability import Capability
from cogs.plans import models  # noqa: F401  (the tables join Base.metadata)
from cogs.plans.privacy import PRIVACY

CAPABILITY = Capability(
    name="plans",
    privacy=PRIVACY,
)
