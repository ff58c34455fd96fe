"""``log_format: json``: every record is one JSON line a log collector can read."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.logs import configure
from bot.yamlfile import YamlProblems


@pytest.fixture
def restore_root_logging():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_record_becomes_one_json_line_with_its_fields(restore_root_logging: None) -> None:
    stream = io.StringIO()
    configure("INFO", "json", stream)
    log = logging.getLogger("tests.logs.json")
    log.warning("cannot deliver to channel %s", 42, extra={"delivery": "qa:route:1:helpers", "attempts": 2})
    try:
        raise ValueError("ຂໍ້ຄວາມ broken")
    except ValueError:
        log.exception("delivery failed")
    log.debug("not shown at INFO")

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # the traceback stays inside its record's line
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "cannot deliver to channel 42"
    assert first["level"] == "WARNING" and first["logger"] == "tests.logs.json"
    assert first["delivery"] == "qa:route:1:helpers" and first["attempts"] == 2
    assert "exception" not in first
    when = datetime.fromisoformat(first["time"])
    assert when.utcoffset() is not None and when.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60
    assert second["level"] == "ERROR"
    assert "Traceback" in second["exception"] and "ValueError: ຂໍ້ຄວາມ broken" in second["exception"]
    assert "ຂໍ້ຄວາມ" in lines[1]  # not \\u-escaped: readable in the collector


def test_text_is_the_default_format(restore_root_logging: None) -> None:
    stream = io.StringIO()
    configure("INFO", "text", stream)
    logging.getLogger("tests.logs.text").info("ready")
    assert stream.getvalue().rstrip().endswith("INFO tests.logs.text: ready")


def test_log_format_comes_from_config_and_the_environment_overrides_it(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("log_format: json\nops:\n  http_port: 9100\n", encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.config.log_format == "json" and settings.config.ops.http_port == 9100
    settings = load_settings(path, env={"SSE_LOG_FORMAT": "text", "SSE_HTTP_PORT": "off", "SSE_HTTP_HOST": "0.0.0.0"})
    assert settings.config.log_format == "text"
    assert settings.config.ops.http_port is None and settings.config.ops.http_host == "0.0.0.0"
    assert load_settings(tmp_path / "missing.yaml", env={}).config.ops.http_port is None  # off by default


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(YamlProblems) as caught:
        load_settings(tmp_path / "missing.yaml", env={"SSE_LOG_FORMAT": "xml", "SSE_HTTP_PORT": "eighty"})
    text = str(caught.value)
    assert "SSE_LOG_FORMAT" in text and "SSE_HTTP_PORT" in text

