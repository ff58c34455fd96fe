"""The capabilities this bot is built from: one line each (see docs/architecture.md)."""

from __future__ import annotations

import cogs.qa.models  # noqa: F401
import cogs.search.models  # noqa: F401
import cogs.sessions.models  # noqa: F401
