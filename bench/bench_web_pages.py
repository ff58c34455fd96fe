"""The capabilities' web pages, through the whole ASGI stack in-process (language middleware, security
headers, Jinja rendering): a term page in Thai and Khmer, the glossary index, a resources search, a
country profile, the sessions index and a session page, with 1,000 sessions in the database.

    ./dev bench            (or: .venv/bin/python bench/bench_web_pages.py [--runs 200] [--sessions 1000])
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

import httpx
from _common import announced_session, make_app, percentiles, tempdir
from sqlalchemy import insert

from bot.web.app import create_web_app
from cogs.sessions.models import TrainingSession

TARGET_P95_MS = 20.0  # the target for a term page


async def main(runs: int, sessions: int) -> None:
    app = await make_app(tempdir())
    now = datetime.now(UTC)
    rows = []
    for i in range(1, sessions + 1):
        # half of them past (with a recording), half upcoming
        start = now + timedelta(hours=6 * (i - sessions // 2))
        row, _reminder = announced_session(i, start=start, due=start, now=now)
        row["countries"] = ["TH"] if i % 3 == 0 else []
        row["recording_url"] = "https://example.org/recording" if start < now else None
        rows.append(row)
    async with app.db.begin() as session:
        await session.execute(insert(TrainingSession), rows)
    pages = {
        "term page (th)": "/glossary/cooperative?lang=th",
        "term page (km)": "/glossary/cooperative?lang=km",
        "glossary index (th)": "/glossary?lang=th",
        "glossary by topic (km)": "/glossary?topic=cooperatives&lang=km",
        "resources search (th)": "/resources?q=%E0%B8%AA%E0%B8%AB%E0%B8%81%E0%B8%A3%E0%B8%93%E0%B9%8C&lang=th",
        "country profile (th)": "/countries/th?lang=th",
        "sessions index (km, Tokyo time)": "/sessions?tz=Asia/Tokyo&lang=km",
        "session page (th)": f"/sessions/{sessions // 2 + 3}?lang=th",
    }
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, path in pages.items():
            for _ in range(5):  # warm the template cache and the connection pool
                assert (await client.get(path)).status_code == 200, path
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(path)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
            verdict = "" if not name.startswith("term page") else \
                f"  (target p95 <= {TARGET_P95_MS:.0f} ms: {'OK' if p95 <= TARGET_P95_MS else 'MISSED'})"
            print(f"{name:<34} {percentiles(samples)}{verdict}")
    await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.sessions))
