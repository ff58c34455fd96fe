"""The capabilities this bot is built from: one line each (see docs/architecture.md)."""

from __future__ import annotations

import cogs.qa.models
import cogs.search.models
import cogs.sessions.models  # noqa: F401
