"""Shared set-up for the benchmarks: a real App on a fresh migrated SQLite file."""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.config import load_settings  # noqa: E402

GUILD_ID = 900000000000000001
FACILITATOR_ROLE = 900000000000000101
ANNOUNCEMENTS = 900000000000000201


async def make_app(tmp: Path, database_url: str | None = None, **overrides: Any) -> App:
    config: dict[str, Any] = {
        "guild_id": GUILD_ID,
        "channels": {"announcements": ANNOUNCEMENTS},
        "roles": {"facilitators": [FACILITATOR_ROLE]},
        "content_dir": str(ROOT / "content"),
        "log_level": "WARNING",
    }
    config.update(overrides)
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    url = database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    settings = load_settings(path, env={"DATABASE_URL": url})
    return await App.create(settings)


def announced_session(i: int, *, start: datetime, due: datetime, channel_id: int = ANNOUNCEMENTS,
                      now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rows of session ``i``, already announced in ``channel_id`` (message id ``i``), and of its
    60-minute channel reminder falling due at ``due``: what the reminder benchmarks seed."""
    session = {
        "id": i, "occurrence": 0, "title": f"Session {i}", "description": "", "start_utc": start,
        "end_utc": start + timedelta(hours=1), "original_start_utc": start, "timezone": "Asia/Bangkok",
        "format": "webinar", "languages": ["en"], "countries": [], "status": "scheduled", "sequence": 0,
        "time_revision": 0, "created_by": 1, "created_at": now, "updated_at": now, "channel_id": channel_id,
        "message_id": i,
    }
    reminder = {"session_id": i, "offset_minutes": 60, "kind": "channel", "revision": 0, "due_at": due}
    return session, reminder


def tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sse-bench-"))


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "no samples"
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return (f"n={len(values)} p50={q[49] * 1000:.1f} ms  p95={q[94] * 1000:.1f} ms  "
            f"max={values[-1] * 1000:.1f} ms")
