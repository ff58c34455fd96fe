"""``python -m bot status`` and ``python -m bot outbox retry``: what the bot still has to deliver,
what Discord refused (parked), and putting refused deliveries back in line once the cause is fixed.

Both talk to the database only, so they work while the bot runs (its sweep picks retried rows up
within ``outbox.check_seconds``) and while it is down. The console's ``:status`` prints the same."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app import App
from bot.cli import emit, run_with_app
from bot.outbox import DROPPED, PARKED, PENDING, SENT, OutboxRow

STATUSES = (PENDING, SENT, PARKED, DROPPED)


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]  # every status, zero included, so scripts need no defaults
    parked: list[OutboxRow]


async def retry_parked(app: App, ids: Sequence[int] | None) -> tuple[int, list[int]]:
    """Put these parked rows (None: every parked row) back in line; returns how many, and the
    ids asked for that were not parked."""
    async with app.db.begin_write() as session:
        parked = {row.id for row in await app.outbox.rows(session, statuses=(PARKED,), limit=10_000)}
        wanted = sorted(parked) if ids is None else sorted(set(ids))
        retried = await app.outbox.retry_parked(session, [i for i in wanted if i in parked])
    return retried, [i for i in wanted if i not in parked]


def retried_text(app: App, retried: int) -> str:
    one = retried == 1
    return (f"{retried} parked deliver{'y' if one else 'ies'} put back in line; the running bot sends "
            f"{'it' if one else 'them'} within {app.config.outbox.check_seconds} s.")


async def outbox_status(app: App) -> OutboxStatus:
    async with app.db.begin() as session:
        counts = await app.outbox.counts(session)
        parked = await app.outbox.rows(session, statuses=(PARKED,), limit=10_000)
    return OutboxStatus({status: counts.get(status, 0) for status in STATUSES} | counts, parked)


def where(row: OutboxRow) -> str:
    # A member's id is theirs to forget (DM keys can hold it too, so JSON leaves those out); an
    # operator fixing a refusal needs the channel, not who the DM was for.
    return "DM to member" if row.user_id is not None else f"channel {row.channel_id}"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def status_text(status: OutboxStatus, retry: str = "python -m bot outbox retry", every: str = "--all") -> str:
    lines = ["outbox: " + ", ".join(f"{n:,} {name}" for name, n in status.counts.items())]
    if not status.parked:
        lines.append("no parked deliveries.")
        return "\n".join(lines)
    lines.append(f"parked deliveries ({len(status.parked)}), not retried until someone fixes the cause:")
    for row in status.parked:
        lines.append(f"  #{row.id} {row.kind} to {where(row)}, {row.attempts} attempt(s), due {_when(row.due_at)}")
        lines.append(f"      last error: {row.last_error or '(none recorded)'}")
    ids = " ".join(str(row.id) for row in status.parked)
    lines.append(f"after fixing it: {retry} {ids}   (or {retry} {every})")
    return "\n".join(lines)


def status_json(status: OutboxStatus) -> dict[str, Any]:
    return {"counts": status.counts, "parked": [
        {"id": row.id, "key": None if row.user_id is not None else row.key, "kind": row.kind, "where": where(row),
         "channel_id": None if row.user_id is not None else row.channel_id, "attempts": row.attempts,
         "last_error": row.last_error, "due_at": row.due_at.isoformat()}
        for row in status.parked]}


def cmd_status(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        status = await outbox_status(app)
        emit(args, status_json(status), status_text(status))
        return 0

    return run_with_app(args, go)


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    if not args.ids and not args.all:
        print("error: name the parked deliveries to retry (ids from `python -m bot status`) or pass --all",
              file=sys.stderr)
        return 2

    async def go(app: App) -> int:
        retried, missing = await retry_parked(app, None if args.all else args.ids)
        print(retried_text(app, retried))
        if missing:
            print(f"not parked (sent, pending or unknown): {', '.join(map(str, missing))}", file=sys.stderr)
            return 1
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser("status", help="outbox counts and every parked (refused) delivery")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    outbox = sub.add_parser("outbox", help="deliveries the bot makes on its own")
    actions = outbox.add_subparsers(dest="action", required=True)
    retry = actions.add_parser("retry", help="put parked deliveries back in line (after fixing the cause)")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--all", action="store_true", help="every parked delivery")
    retry.set_defaults(func=cmd_outbox_retry)
