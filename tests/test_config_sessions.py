"""Session settings in config.yaml: defaults, and typos or nonsense reported with their key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.yamlfile import YamlProblems


def test_defaults_match_the_issue(tmp_path: Path) -> None:
    config = load_config(tmp_path / "missing.yaml")
    assert config.reminders.offsets_minutes == [1440, 60, 0]
    assert config.digest.day == "mon" and config.digest.time == "09:00"
    assert config.sessions.working_hours == [9, 18]


@pytest.mark.parametrize(("yaml_text", "where"), [
    ("sessions:\n  working_hours: [18, 9]\n", "sessions.working_hours"),
    ("digest:\n  time: '25:00'\n", "digest.time"),
    ("digest:\n  day: someday\n", "digest.day"),
    ("reminders:\n  dm_per_second: 0\n", "reminders.dm_per_second"),
    ("reminders:\n  grace_minuts: 5\n", "reminders.grace_minuts"),
])
def test_bad_session_settings_name_their_key(tmp_path: Path, yaml_text: str, where: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(YamlProblems) as err:
        load_config(path)
    assert where in str(err.value)
