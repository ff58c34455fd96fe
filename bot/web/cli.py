"""``python -m bot web [--host --port --workers]``: the site alone (the bot serves it too, in ``run``)."""

from __future__ import annotations

import argparse
import os
import sys


def cmd_web(args: argparse.Namespace) -> int:
    from bot.cli import settings_of
    from bot.web.serve import is_postgres, serve_alone, serve_workers

    settings = settings_of(args)
    web = settings.config.web
    host = args.host or web.host
    port = web.port if args.port is None else args.port
    workers = args.workers or web.workers
    if workers > 1:
        if not is_postgres(settings.database_url):
            print(f"error: {workers} web workers need PostgreSQL (DATABASE_URL=postgresql://…); SQLite takes one "
                  "writer at a time, so run one worker (--workers 1) on SQLite.", file=sys.stderr)
            return 2
        if port == 0:
            print("error: several workers need a fixed port (--port).", file=sys.stderr)
            return 2
        if args.config:  # the worker processes read the same settings
            os.environ["SSE_CONFIG"] = os.path.abspath(args.config)
        return serve_workers(settings, host, port, workers)
    import asyncio

    return asyncio.run(serve_alone(settings, host, port))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("web", help="serve the public web site and calendar feeds (without the bot)")
    parser.add_argument("--host", help="address to listen on (default: web.host, env SSE_WEB_HOST)")
    parser.add_argument("--port", type=int, help="port (default: web.port, env SSE_WEB_PORT; 0 = any free port)")
    parser.add_argument("--workers", type=int, choices=range(1, 33), metavar="N",
                        help="worker processes (default: web.workers; more than 1 needs PostgreSQL)")
    parser.set_defaults(func=cmd_web)
