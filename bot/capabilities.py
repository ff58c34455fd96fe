"""The capabilities this bot is built from, one line each, in the order the digest and
``/privacy`` list them (see docs/architecture.md, "Adding a capability")."""

from __future__ import annotations

from bot.capability import Capability
from cogs.countries.capability import CAPABILITY as COUNTRIES
from cogs.digest.capability import CAPABILITY as DIGEST
from cogs.glossary.capability import CAPABILITY as GLOSSARY
from cogs.glossary_review.capability import CAPABILITY as GLOSSARY_REVIEW
from cogs.help.capability import CAPABILITY as HELP
from cogs.plans.capability import CAPABILITY as PLANS
from cogs.polls.capability import CAPABILITY as POLLS
from cogs.privacy.capability import CAPABILITY as PRIVACY
from cogs.profiles.capability import CAPABILITY as PROFILES
from cogs.qa.capability import CAPABILITY as QA
from cogs.report.capability import CAPABILITY as REPORT
from cogs.resources.capability import CAPABILITY as RESOURCES
from cogs.search.capability import CAPABILITY as SEARCH
from cogs.sessions.capability import CAPABILITY as SESSIONS
from cogs.setup.capability import CAPABILITY as SETUP

CAPABILITIES: tuple[Capability, ...] = (GLOSSARY, GLOSSARY_REVIEW, RESOURCES, SESSIONS, POLLS, QA, PROFILES, PLANS, COUNTRIES, SEARCH, DIGEST, PRIVACY, HELP, SETUP,
                                     REPORT)
