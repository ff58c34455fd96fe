"""Serving the site for real: ``python -m bot web`` answers on the address it prints, stops cleanly
on SIGTERM, says clearly when its port is taken or when workers need PostgreSQL; inside the bot a
busy port is one log line, not a crash."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from bot.app import App
from bot.web.serve import start_web
from tests.conftest import PG_URL, ROOT, base_config
from tests.web.conftest import Page


def cli(tmp_path: Path, *args: str, database_url: str | None = None) -> subprocess.Popen[str]:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(base_config()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSE_", "DISCORD_", "DATABASE_"))}
    env["DATABASE_URL"] = database_url or f"sqlite:///{tmp_path}/web.db"
    return subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "web", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def busy_port() -> socket.socket:
    sock = socket.create_server(("127.0.0.1", 0))
    return sock


def test_python_m_bot_web_serves_the_address_it_prints(tmp_path: Path) -> None:
    process = cli(tmp_path, "--port", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server listens (or the process ends)
        assert line.startswith("web site: http://127.0.0.1:"), (line, process.stderr.read() if process.stderr else "")
        address = line.split(": ", 1)[1].strip()
        response = httpx.get(address + "?lang=km", timeout=30)
        assert response.status_code == 200
        assert Page(response.text).first("html")["lang"] == "km"
        assert httpx.post(address, timeout=30).status_code == 405
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    taken = busy_port()
    try:
        port = taken.getsockname()[1]
        process = cli(tmp_path, "--port", str(port))
        _out, err = process.communicate(timeout=120)
    finally:
        taken.close()
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err and "SSE_WEB_PORT" in err
    assert "Traceback" not in err


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not PG_URL, reason="several web workers need PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")
def test_several_workers_serve_on_postgresql(tmp_path: Path, database_url: str) -> None:
    process = cli(tmp_path, "--workers", "2", "--port", str(free_port()), database_url=database_url)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "(2 worker processes)" in line, line
        address = line.split(": ", 1)[1].split(" ", 1)[0]
        for attempt in range(200):  # the workers start after the line is printed
            try:
                response = httpx.get(address + "?lang=th", timeout=30)
                break
            except httpx.ConnectError:
                if attempt == 199:
                    raise
                time.sleep(0.1)
        statuses = {httpx.get(address, timeout=30).status_code for _ in range(20)}
        assert response.status_code == 200 and statuses == {200}
        assert Page(response.text).first("html")["lang"] == "th"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0, process.stderr.read() if process.stderr else ""


def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    process = cli(tmp_path, "--workers", "2", "--port", "8999")
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "need PostgreSQL" in err and "Traceback" not in err


async def test_inside_the_bot_the_site_shares_the_loop(app: App) -> None:
    server = await start_web(app, port=0)
    assert server is not None
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.get(server.address + "search?q=coop&lang=th")
        assert response.status_code == 200
        assert Page(response.text).first("html")["lang"] == "th"
    finally:
        await server.stop()
    assert server.task.done()


async def test_inside_the_bot_a_busy_port_is_logged_not_raised(app: App, caplog: pytest.LogCaptureFixture) -> None:
    taken = busy_port()
    try:
        with caplog.at_level(logging.ERROR, logger="bot.web.serve"):
            server = await start_web(app, port=taken.getsockname()[1])
    finally:
        taken.close()
    assert server is None
    assert any("web site not served: cannot listen" in r.getMessage() for r in caplog.records)
