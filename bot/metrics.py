"""What ``/metrics`` shows (Prometheus text format), collected in the bot's own registry.

Its own ``CollectorRegistry``, not prometheus-client's global one: two Apps in one process (the
tests, the console next to a bot) never share or double-register a series, and nothing another
library registers globally leaks into the scrape. Never imports discord: the delivery code, the
bot's event hooks and the search cog count here through ``app.metrics``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.outbox import DROPPED, PARKED, PENDING, SENT

CONTENT_TYPE = CONTENT_TYPE_LATEST
DELIVERY_OUTCOMES = ("sent", "parked", "retried", "dropped")
OUTBOX_STATUSES = (PENDING, SENT, PARKED, DROPPED)
GATEWAY_EVENTS = ("connect", "disconnect", "resume")
# A slash command answers within Discord's 3 s or defers; a search is a few milliseconds to a second.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SEARCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.deliveries = Counter("sse_deliveries", "Outbox deliveries by outcome (sent, parked after a 403/404, "
                                  "retried after a 5xx/429/network error, dropped)", ["outcome"], registry=r)
        self.outbox_rows = Gauge("sse_outbox_rows", "Outbox rows by status, read from the database at scrape time",
                                 ["status"], registry=r)
        self.commands = Histogram("sse_command_duration_seconds", "Time to handle a slash command or menu, by "
                                  "command and outcome (ok, error)", ["command", "outcome"],
                                  buckets=COMMAND_BUCKETS, registry=r)
        self.gateway_events = Counter("sse_gateway_events", "Gateway connects, disconnects and resumes",
                                      ["event"], registry=r)
        self.gateway_reconnects = Counter("sse_gateway_reconnects", "Gateway sessions resumed or connected again "
                                          "after the first connect", registry=r)
        self.search = Histogram("sse_search_duration_seconds", "Time of one /search query in the search service",
                                buckets=SEARCH_BUCKETS, registry=r)
        for outcome in DELIVERY_OUTCOMES:  # zeros are shown too: a rate needs the series from the start
            self.deliveries.labels(outcome)
        for event in GATEWAY_EVENTS:
            self.gateway_events.labels(event)
        self._connected_once = False

    def delivered(self, outcome: str) -> None:
        self.deliveries.labels(outcome).inc()

    def command_done(self, command: str, seconds: float, *, ok: bool) -> None:
        self.commands.labels(command, "ok" if ok else "error").observe(seconds)

    def gateway(self, event: str) -> None:
        self.gateway_events.labels(event).inc()
        if event == "resume" or (event == "connect" and self._connected_once):
            self.gateway_reconnects.inc()
        if event == "connect":
            self._connected_once = True

    @contextmanager
    def timed_search(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.search.observe(time.perf_counter() - started)

    def outbox_counts(self, counts: dict[str, int]) -> None:
        for status in {*OUTBOX_STATUSES, *counts}:
            self.outbox_rows.labels(status).set(counts.get(status, 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
