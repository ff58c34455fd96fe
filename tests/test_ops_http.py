"""``/healthz`` and ``/metrics`` through real HTTP (aiohttp's test server and client) with the bot
running on the offline Discord. The metrics text is read back with prometheus-client's own parser,
not by searching the text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.config import load_settings
from bot.console import with_demo_server
from bot.ops_server import build_ops_app
from db.engine import Database
from offline import OfflineDiscord, boot_offline
from tests.conftest import ErrorLogCatcher, base_config
from tests.test_cli_status import POST, queue_routing_notices


@pytest.fixture
async def client(gw: OfflineDiscord, app: App) -> AsyncIterator[TestClient[Any, Any]]:
    # No keep-alive: an open connection's handler task would count as work in flight for gw.settle()
    connector = aiohttp.TCPConnector(force_close=True)
    async with TestClient(TestServer(build_ops_app(app, gw.bot.gateway)), connector=connector) as http:
        yield http


async def samples(client: TestClient[Any, Any]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_healthz_is_200_when_gateway_database_and_scheduler_are_up(client: TestClient[Any, Any]) -> None:
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 200, body
    assert body["status"] == "ok" and "failed" not in body
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "gateway": True, "database": True, "scheduler": True}
    assert "latency_ms" in body["checks"]["gateway"]  # null offline: there is no heartbeat


async def test_healthz_is_503_naming_the_database_when_it_is_unreachable(
    client: TestClient[Any, Any], app: App, tmp_path: Path,
) -> None:
    working = app.db
    broken = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}")  # a directory: cannot be opened
    app.db = broken
    try:
        response = await client.get("/healthz")
        body = await response.json()
    finally:
        app.db = working
        await broken.close()
    assert response.status == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["detail"]
    assert (await client.get("/healthz")).status == 200  # and back once it answers again


async def test_healthz_is_503_while_the_gateway_is_disconnected_and_200_after_a_resume(
    client: TestClient[Any, Any], gw: OfflineDiscord,
) -> None:
    gw.bot.dispatch("disconnect")
    await gw.settle()
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503 and body["failed"] == ["gateway"]
    assert body["checks"]["gateway"]["detail"].startswith("disconnected since")

    gw.bot.dispatch("resumed")
    await gw.settle()
    assert (await client.get("/healthz")).status == 200
    found = await samples(client)
    assert found[("sse_gateway_events_total", (("event", "disconnect"),))] == 1
    assert found[("sse_gateway_events_total", (("event", "resume"),))] == 1
    assert found[("sse_gateway_reconnects_total", ())] == 1


async def test_healthz_is_503_once_the_client_is_closed(client: TestClient[Any, Any], gw: OfflineDiscord,
                                                         app: App) -> None:
    await gw.bot.close()
    body = await (response := await client.get("/healthz")).json()
    assert response.status == 503
    assert set(body["failed"]) == {"gateway", "scheduler"}  # closing the bot stops its scheduler too
    assert body["checks"]["gateway"]["detail"] == "client closed"


async def test_metrics_count_a_slash_command_and_a_search(client: TestClient[Any, Any], gw: OfflineDiscord) -> None:
    await gw.slash("define", term="cooperative")
    await gw.slash("define", term="cooperative")
    await gw.slash("search", query="seed funding")
    found = await samples(client)
    assert found[("sse_command_duration_seconds_count", (("command", "define"), ("outcome", "ok")))] == 2
    assert found[("sse_command_duration_seconds_count", (("command", "search"), ("outcome", "ok")))] == 1
    assert found[("sse_search_duration_seconds_count", ())] == 1
    assert found[("sse_command_duration_seconds_sum", (("command", "define"), ("outcome", "ok")))] > 0


async def test_a_refused_command_is_counted_as_an_error(client: TestClient[Any, Any], gw: OfflineDiscord) -> None:
    result = await gw.slash("session create", user=gw.member_id, title="Mine", start="2030-01-01 10:00",
                            timezone="Asia/Bangkok")
    assert "Only facilitators" in result.text
    found = await samples(client)
    assert found[("sse_command_duration_seconds_count", (("command", "session create"), ("outcome", "error")))] == 1
    assert ("sse_command_duration_seconds_count", (("command", "session create"), ("outcome", "ok"))) not in found


async def test_metrics_count_a_sent_delivery_and_read_the_outbox_at_scrape_time(
    client: TestClient[Any, Any], gw: OfflineDiscord, app: App,
) -> None:
    found = await samples(client)
    assert found[("sse_deliveries_total", (("outcome", "sent"),))] == 0
    thread = await queue_routing_notices(gw, app)  # two notices due now
    found = await samples(client)
    assert found[("sse_outbox_rows", (("status", "pending"),))] == 2

    gw.faults.add(POST, 403, path_contains=thread, times=1)  # the first is refused, the second goes out
    await gw.bot.delivery.run_due()
    found = await samples(client)
    assert found[("sse_deliveries_total", (("outcome", "sent"),))] == 1
    assert found[("sse_deliveries_total", (("outcome", "parked"),))] == 1
    assert found[("sse_deliveries_total", (("outcome", "retried"),))] == 0
    assert found[("sse_outbox_rows", (("status", "pending"),))] == 0
    assert found[("sse_outbox_rows", (("status", "parked"),))] == 1
    assert found[("sse_outbox_rows", (("status", "sent"),))] == 1


async def test_the_server_listens_on_the_configured_port_inside_the_bot_and_stops_with_it(
    settings: Any, shipped_content: Any, error_logs: ErrorLogCatcher, tmp_path: Path,
) -> None:
    config = base_config() | {"ops": {"http_port": 0}}  # 0: any free port on 127.0.0.1
    path = tmp_path / "ops.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    app = await App.create(load_settings(path, env={"DATABASE_URL": settings.database_url}), content=shipped_content)
    try:
        bot, gateway = await boot_offline(app)
        try:
            port = bot.ops.port
            assert port
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    assert "sse_deliveries_total" in await response.text()
        finally:
            await gateway.close()
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await app.close()
    assert not error_logs.records


def test_the_console_never_serves_the_bots_health_endpoints(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("ops:\n  http_port: 9100\n", encoding="utf-8")
    assert with_demo_server(load_settings(path, env={})).config.ops.http_port is None
