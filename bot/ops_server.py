"""``/healthz`` and ``/metrics`` over HTTP on their own port (``ops.http_host``/``ops.http_port``).

aiohttp.web rather than Starlette + uvicorn: discord.py already brings aiohttp (no new dependency),
an ``AppRunner`` serves inside the bot's running event loop and stops with ``cleanup()``, and it
installs no signal handlers of its own (uvicorn's ``Server.serve`` does, and would take Ctrl-C
and SIGTERM from the bot). Two read-only endpoints need no more than that; the public web pages
(a later issue) may choose again. Never imports discord: it reads the App and a GatewayState."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.app import App
from bot.health import GatewayState, health

log = logging.getLogger(__name__)

APP_KEY = web.AppKey("sse_app", App)
GATEWAY_KEY = web.AppKey("sse_gateway", GatewayState)
SHUTDOWN_SECONDS = 5.0


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    ok, body = await health(request.app[GATEWAY_KEY], app.db, app.scheduler,
                            db_timeout=app.config.ops.db_timeout_seconds)
    return web.json_response(body, status=200 if ok else 503, headers={"Cache-Control": "no-store"})


async def metrics(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        async with app.db.begin() as session:
            app.metrics.outbox_counts(await app.outbox.counts(session))
    except Exception as exc:  # the counters are still worth serving; /healthz says what is wrong
        log.warning("metrics: could not read the outbox counts: %s", exc)
    body = app.metrics.render()
    # prometheus-client's content type carries a version and charset, which aiohttp wants apart
    return web.Response(body=body, content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def build_ops_app(app: App, gateway: GatewayState) -> web.Application:
    web_app = web.Application()
    web_app[APP_KEY] = app
    web_app[GATEWAY_KEY] = gateway
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


class OpsServer:
    """Started from the bot's setup_hook when ``ops.http_port`` is set; stopped when the bot closes."""

    def __init__(self, app: App, gateway: GatewayState):
        self.app = app
        self.gateway = gateway
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        ops = self.app.config.ops
        if ops.http_port is None or self._runner is not None:
            return
        # A request still running when the bot stops gets a few seconds (a /healthz waits at most
        # ops.db_timeout_seconds), not aiohttp's default minute: stopping the bot stays quick.
        runner = web.AppRunner(build_ops_app(self.app, self.gateway), access_log=None, handle_signals=False,
                               shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, ops.http_host, ops.http_port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            # The bot still serves Discord; only the endpoints are missing, and this says why.
            log.error("cannot serve /healthz and /metrics on %s:%s: %s", ops.http_host, ops.http_port, exc)
            return
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("serving /healthz and /metrics on http://%s:%s", ops.http_host, self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
