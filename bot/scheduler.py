"""One APScheduler (3.x, asyncio, in-memory job store) owned by the App, for every capability.

The database is the source of truth: jobs are only a cache of "when to look next", rebuilt
from it at start. Started in the Bot's setup_hook, stopped when the bot closes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFn = Callable[..., Awaitable[Any]]


class Scheduler:
    def __init__(self) -> None:
        self._aps = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()}, timezone=UTC,
            # a job that is late (event loop busy, machine asleep) still runs: the job itself
            # decides from the database whether it is too late.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self.started_at = datetime.now(UTC)

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def start(self) -> None:
        if not self._aps.running:
            self.started_at = datetime.now(UTC)
            self._aps.start()

    def shutdown(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def at(self, job_id: str, when: datetime, fn: JobFn, *args: Any) -> None:
        """Run ``fn(*args)`` at ``when`` (now if it is past); replaces a job with the same id."""
        self._aps.add_job(fn, DateTrigger(run_date=when, timezone=UTC), args=args, id=job_id, replace_existing=True)

    def interval(self, job_id: str, seconds: float, fn: JobFn) -> None:
        self._aps.add_job(fn, IntervalTrigger(seconds=seconds, timezone=UTC), id=job_id, replace_existing=True)

    def cron(self, job_id: str, fn: JobFn, *, day_of_week: str, hour: int, minute: int, timezone: str) -> None:
        trigger = CronTrigger(day_of_week=day_of_week, hour=hour, minute=minute, timezone=timezone)
        self._aps.add_job(fn, trigger, id=job_id, replace_existing=True)

    def cancel(self, job_id: str) -> None:
        try:
            self._aps.remove_job(job_id)
        except JobLookupError:
            pass

    def next_run(self, job_id: str) -> datetime | None:
        job = self._aps.get_job(job_id)
        return job.next_run_time if job is not None else None

    def job_ids(self, prefix: str = "") -> list[str]:
        return [j.id for j in self._aps.get_jobs() if j.id.startswith(prefix)]
