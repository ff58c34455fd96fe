"""Config problems name the key and the line, and exit with code 2 and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import DEFAULT_DATABASE_URL, load_settings, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL", "SSE_CONFIG")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=full_env,
                          stdin=subprocess.DEVNULL,  # not a terminal: `run` without a token explains and stops
                          cwd=cwd, timeout=120)


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.yaml", env={})
    assert settings.config.timezone == "Asia/Bangkok"
    assert settings.config.reminders.offsets_minutes == [1440, 60, 0]
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.token is None


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("guild_id: 1\nchanels:\n  announcements: 2\n", "config.yaml:2: chanels: unknown key"),
        ("guild_id: 1\nreminders:\n  offsets_minutes: [60, soon]\n",
         "config.yaml:3: reminders.offsets_minutes[1]: Input should be a valid integer"),
        ("timezone: Asia/Atlantis\n", "config.yaml:1: timezone: Value error, unknown time zone 'Asia/Atlantis'"),
        ("guild_id: [1\nlog_level: INFO\n", "config.yaml:2: malformed YAML"),
        ("guild_id: 1\nguild_id: 2\n", "config.yaml:2: guild_id: duplicate key"),
        ("log_level: LOUD\n", "config.yaml:1: log_level: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
        ("guild_id: '123'\n", "config.yaml:1: guild_id: Input should be a valid integer"),
        ("qa:\n  topics: [Finance]\n  countries: [Laos, Myanmar]\n",
         "config.yaml:3: qa.countries: Value error, replaced: /ask now offers the 12 programme countries"),
        ("qa:\n  extra_countries: [Democratic Republic of Timor-Leste]\n",
         "config.yaml:2: qa.extra_countries[0]: String should have at most 20 characters"),
    ],
)
def test_bad_config_is_reported_with_key_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], yaml_text: str, expected: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    code = main(["--config", str(path), "check"])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert "Traceback" not in err


def test_run_without_token_explains_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "console" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_broken_config_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("roles:\n  facilitators: [abc]\n", encoding="utf-8")
    result = run_cli("--config", str(path), "run", env={"DISCORD_TOKEN": "x"})
    assert result.returncode == 2
    assert "config.yaml:2: roles.facilitators[0]: Input should be a valid integer" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("sqlite+aiosqlite:///y.db", "sqlite+aiosqlite:///y.db"),
    ],
)
def test_database_urls_from_hosting_providers_are_accepted(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_shipped_config_is_valid() -> None:
    settings = load_settings(ROOT / "config.yaml", env={})
    assert settings.config.reminders.offsets_minutes
