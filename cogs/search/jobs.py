"""The search capability's timer: the dedicated engine catches up with the database."""

from __future__ import annotations

from typing import Any

from db.search_index import SearchIndex


async def catch_up_index(bot: Any) -> None:
    """Apply what was written to the archive since the index last looked (db/search_index.py)."""
    await bot.app.service(SearchIndex).catch_up()
