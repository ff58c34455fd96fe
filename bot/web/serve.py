"""Serving the site with uvicorn: inside ``python -m bot run`` (and the console), or alone with
``python -m bot web`` (several worker processes when the database is PostgreSQL).

Inside the bot the site shares its event loop, its App and its signals: the uvicorn server here
never installs signal handlers of its own (``uvicorn.Server.serve`` would take Ctrl-C and SIGTERM
from discord.py), and the listening socket is bound first, so a busy port is one clear log line and
the bot goes on serving Discord without its web site."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from bot.app import App
from bot.config import Settings, load_settings

log = logging.getLogger(__name__)

STOP_SECONDS = 5.0  # requests still running when the bot stops get this long


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # whoever started the server owns the signals (the bot, or `python -m bot web`)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgresql", "postgres"))


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (0: any free port); OSError when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    sock.setblocking(False)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@dataclass
class WebServer:
    server: uvicorn.Server
    task: asyncio.Task[None]
    address: str  # where it listens, e.g. http://127.0.0.1:8080/

    async def stop(self) -> None:
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), STOP_SECONDS)
        except TimeoutError:
            self.server.force_exit = True
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


def uvicorn_config(asgi: Any, **options: Any) -> uvicorn.Config:
    # uvicorn's access log would repeat every request; errors still go to the "uvicorn.error" logger
    return uvicorn.Config(asgi, lifespan="off", access_log=False, server_header=False, log_config=None,
                          proxy_headers=True, **options)


async def start_web(app: App, *, host: str | None = None, port: int | None = None,
                    announce: Callable[[str], None] | None = None) -> WebServer | None:
    """Serve the site in the running event loop; None (and one error line) when it cannot listen."""
    from bot.web.app import create_web_app

    config = app.config.web
    host = host or config.host
    port = config.port if port is None else port
    try:
        sock = listen(host, port)
    except OSError as exc:
        log.error("web site not served: cannot listen on %s:%s (%s); set web.port in config.yaml or SSE_WEB_PORT "
                  "to a free port, or web.enabled: false", host, port, exc.strerror or exc)
        return None
    server = _Server(uvicorn_config(create_web_app(app)))
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]), name="web-site")
    listening = asyncio.ensure_future(server.listening.wait())
    await asyncio.wait({listening, task}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        listening.cancel()
        task.result()  # raises what stopped it
    where = address(sock)
    log.info("web site at %s (public address %s)", where, config.base_url + "/")
    if announce is not None:
        announce(where)
    return WebServer(server, task, where)


# ---------------------------------------------------------------- python -m bot web
async def serve_alone(settings: Settings, host: str, port: int) -> int:
    app = await App.create(settings)
    try:
        web = await start_web(app, host=host, port=port, announce=lambda where: print(f"web site: {where}", flush=True))
        if web is None:
            return 1
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, setattr, web.server, "should_exit", True)
        await web.task
        return 0
    finally:
        await app.close()


class WorkerApp:
    """The ASGI app of one ``--workers`` process: builds its own App (no migrations: the parent ran
    them) when uvicorn's lifespan starts, closes it when it stops."""

    def __init__(self) -> None:
        self.app: App | None = None
        self.site: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    from bot.web.app import create_web_app

                    self.app = await App.create(load_settings(), migrate=False)
                    self.site = create_web_app(self.app)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self.app is not None:
                        await self.app.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await self.site(scope, receive, send)


def worker_app() -> WorkerApp:
    return WorkerApp()


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> int:
    """Several uvicorn worker processes on one port, each with its own App over PostgreSQL."""
    from db.engine import create_engine
    from db.migrate import upgrade

    async def migrate() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    try:
        listen(host, port).close()  # a clear message now rather than a worker's traceback later
    except OSError as exc:
        log.error("web site not served: cannot listen on %s:%s (%s)", host, port, exc.strerror or exc)
        return 1
    shown = f"[{host}]" if ":" in host else host
    print(f"web site: http://{shown}:{port}/ ({workers} worker processes)", flush=True)
    uvicorn.run("bot.web.serve:worker_app", factory=True, host=host, port=port, workers=workers,
                lifespan="on", access_log=False, server_header=False, log_config=None, proxy_headers=True)
    return 0
