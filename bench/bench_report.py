"""The monitoring and evaluation report over a year of a busy community: 1,000,000 archived
messages, 5,000 Q&A posts (with replies, accepted answers and peer requests), 500 sessions,
20,000 RSVPs (with attendance and feedback), 3,000 profiles. Wall time and peak RSS of making the
report (every section's SQL), then of writing its CSV files and drawing its PNG charts, in a fresh
child process (so the seeding's memory is not counted). Targets: report <= 2 s, <= 300 MB.

    .venv/bin/python bench/bench_report.py [--messages 1000000] [--db FILE]   (--db keeps and reuses the file)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _common import FACILITATOR_ROLE, ROOT, make_app, tempdir

YEAR = datetime(2026, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=334)  # 2026-01-01 .. 2026-11-30
COUNTRIES = ["KH", "KG", "LA", "MN", "TH", "VN", "CN", "ID", "JP", "MY", "PH", "KR", None]
ORG_TYPES = ["government", "workers", "employers", "cooperative", "social_enterprise", "association",
             "academia", "international", "other"]
MEMBERS = 8000


def stamp(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime on SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(db_path: Path, messages: int, questions: int, sessions: int, rsvps: int) -> None:
    rng = random.Random(13)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous=OFF")
    if db.execute("SELECT count(*) FROM archive_messages").fetchone()[0]:
        print("reusing the seeded database")
        return
    started = time.perf_counter()

    def when() -> datetime:
        return YEAR + timedelta(seconds=rng.randrange(int(SPAN.total_seconds())))

    db.executemany("INSERT INTO member_profiles(user_id, country, org_type, org_name, bio, happy_to_be_asked, "
                   "created_at, updated_at) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)",
                   [(uid, rng.choice(COUNTRIES), rng.choice(ORG_TYPES), int(rng.random() < 0.3),
                     stamp(YEAR - timedelta(days=30)), stamp(YEAR)) for uid in range(1, 3001)])
    # Q&A posts: 80 % get a reply (by someone else, within 0-72 h), 50 % an accepted answer, 20 % peers
    rows, answers, peers = [], [], []
    next_id = 10_000_000
    for t in range(1, questions + 1):
        created = when()
        reply = created + timedelta(minutes=rng.randrange(1, 72 * 60)) if rng.random() < 0.8 else None
        solved = reply + timedelta(hours=rng.randrange(1, 96)) if reply and rng.random() < 0.6 else None
        rows.append((t, 1, 1, rng.randrange(1, MEMBERS), "bench question", "TH", "Finance", stamp(created),
                     stamp(solved) if solved else None, stamp(reply) if reply else None))
        if rng.random() < 0.2:
            asked = rng.sample(range(1, 3001), 3)
            peers += [(t, p, stamp(created + timedelta(hours=6))) for p in asked]
            if reply:
                answers.append((next_id, t, asked[0], stamp(reply)))
                next_id += 1
        elif reply:
            answers.append((next_id, t, rng.randrange(1, MEMBERS), stamp(reply)))
            next_id += 1
    db.executemany("INSERT INTO qa_questions(thread_id, forum_id, guild_id, author_id, title, country, topic, "
                   "created_at, solved_at, first_reply_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO qa_peer_requests(question_id, peer_user_id, sent_at) VALUES (?, ?, ?)", peers)
    db.executemany("INSERT INTO archive_messages(id, guild_id, channel_id, thread_id, author_id, kind, content, "
                   "created_at) VALUES (?, 1, ?, ?, ?, 'answer', 'reply', ?)",
                   [(mid, t, t, uid, at) for mid, t, uid, at in answers])
    # the rest of the million: messages in the opted-in channels, in batches
    batch = []
    for mid in range(1, messages - len(answers) + 1):
        batch.append((mid, rng.randrange(1, MEMBERS), stamp(when())))
        if len(batch) == 20_000:
            db.executemany("INSERT INTO archive_messages(id, guild_id, channel_id, thread_id, author_id, kind, "
                           "content, created_at) VALUES (?, 1, 5, NULL, ?, 'message', 'text', ?)", batch)
            batch = []
    if batch:
        db.executemany("INSERT INTO archive_messages(id, guild_id, channel_id, thread_id, author_id, kind, "
                       "content, created_at) VALUES (?, 1, 5, NULL, ?, 'message', 'text', ?)", batch)
    # sessions, RSVPs (unique per session and member), attendance of those going, feedback
    per_session = max(1, rsvps // sessions)
    srows, rrows, arows, frows = [], [], [], []
    for sid in range(1, sessions + 1):
        start = when()
        status = "cancelled" if rng.random() < 0.05 else "scheduled"
        recording, slides = rng.random() < 0.5, rng.random() < 0.4  # added a day after / a day before
        srows.append((sid, 0, f"Session {sid}", "", stamp(start), stamp(start + timedelta(hours=1)), stamp(start),
                      "Asia/Bangkok", "webinar", "[]", "[]", status, 0, 0, 1, stamp(YEAR), stamp(YEAR),
                      "https://example.org/r" if recording else None, "https://example.org/s" if slides else None,
                      stamp(start + timedelta(days=1)) if recording else None,
                      stamp(start - timedelta(days=1)) if slides else None))
        for uid in rng.sample(range(1, MEMBERS), per_session):
            choice = rng.random()
            rsvp = "going" if choice < 0.6 else "interested" if choice < 0.9 else "declined"
            rrows.append((sid, uid, rsvp, stamp(start - timedelta(days=rng.randrange(1, 10)))))
            if rsvp == "going" and rng.random() < 0.6:
                arows.append((sid, uid, 1, 1, stamp(start)))
                if rng.random() < 0.4:
                    frows.append((sid, uid, rng.randint(1, 5), stamp(start)))
    db.executemany("INSERT INTO training_sessions(id, occurrence, title, description, start_utc, end_utc, "
                   "original_start_utc, timezone, format, languages, countries, status, sequence, time_revision, "
                   "created_by, created_at, updated_at, recording_url, slides_url, recording_added_at, "
                   "slides_added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", srows)
    db.executemany("INSERT INTO session_rsvps(session_id, user_id, status, updated_at) VALUES (?, ?, ?, ?)", rrows)
    db.executemany("INSERT INTO session_attendance(session_id, user_id, attended, recorded_by, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?)", arows)
    db.executemany("INSERT INTO session_feedback(session_id, user_id, rating, created_at) VALUES (?, ?, ?, ?)", frows)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    print(f"seeded {messages:,} messages ({len(answers):,} replies in {questions:,} Q&A posts, {len(peers):,} peer "
          f"requests), {sessions} sessions, {len(rrows):,} RSVPs, {len(arows):,} attended, {len(frows):,} feedback, "
          f"3,000 profiles in {time.perf_counter() - started:.0f} s")


async def measure(db_path: Path, runs: int) -> None:
    """In the child: the report as /report makes it (facilitator, whole year), timed, then its files."""
    from bot.catalogues import use_language
    from bot.charts import png_files
    from bot.permissions import Actor
    from bot.report import csv_files, json_text
    from cogs.report.service import ReportService

    app = await make_app(tempdir(), f"sqlite+aiosqlite:///{db_path}")
    actor = Actor(1, frozenset({FACILITATOR_ROLE}))
    now = datetime(2026, 12, 2, tzinfo=UTC)
    try:
        times, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            with use_language("th"):
                async with app.db.begin() as session:
                    report = await app.service(ReportService).make(session, actor, "2026-01-01", "2026-11-30", now=now)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)  # every thread of the process: less disturbed by other load
        rss_report = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with use_language("th"):
            async with app.db.begin() as session:  # what /report does without dates: the last 30 days
                await app.service(ReportService).make(session, actor, None, None, now=now)
        last_30 = time.perf_counter() - started
        started = time.perf_counter()
        files = csv_files(report)
        json_text(report)
        csv_time = time.perf_counter() - started
        started = time.perf_counter()
        pngs = png_files(report)
        png_time = time.perf_counter() - started
        rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        qa = {f.key: f.value for f in report.section("qa").figures}
        print(f"figures: {qa['asked']} questions asked, {report.section('sessions').figure('held').value} sessions "
              f"held, {report.section('participation').figure('active_members').value} active members")
        best, worst = min(times), max(times)
        verdict = "OK" if worst <= 2.0 and rss_report <= 300 else "MISSED"
        print(f"report (every section's SQL), {runs} runs: best {best:.2f} s, worst {worst:.2f} s; peak RSS "
              f"{rss_report:.0f} MB (targets <= 2 s, <= 300 MB: {verdict}); CPU time best {min(cpu):.2f} s, "
              f"worst {max(cpu):.2f} s")
        print(f"report of the last 30 days (the /report default): {last_30:.2f} s")
        print(f"CSV ({len(files)} files) and JSON: {csv_time * 1000:.0f} ms; PNG ({len(pngs)} charts, Thai labels): "
              f"{png_time:.2f} s; peak RSS with charts {rss_all:.0f} MB")
    finally:
        await app.close()


async def prepare(db_path: Path, args: argparse.Namespace) -> None:
    app = await make_app(db_path.parent, f"sqlite+aiosqlite:///{db_path}")  # migrates the new file
    await app.close()
    seed(db_path, args.messages, args.questions, args.sessions, args.rsvps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=5_000)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--rsvps", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="keep the seeded database in this file and reuse it")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child: measure on this file
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure(Path(args.measure), args.runs))
        return
    db_path = Path(args.db) if args.db else tempdir() / "report.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(prepare(db_path, args))
    started = time.perf_counter()
    sum(range(10**7))  # how loaded the machine is: about 0.15-0.2 s on an idle core
    print(f"CPU calibration: sum(range(10**7)) took {time.perf_counter() - started:.2f} s")
    print(f"period 2026-01-01..2026-11-30, today {date(2026, 12, 2)}; measured in a fresh process:")
    subprocess.run([sys.executable, str(Path(__file__)), "--measure", str(db_path), "--runs", str(args.runs)],
                   check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
