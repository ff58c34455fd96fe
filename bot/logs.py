"""Logging set-up for every ``python -m bot`` command: readable text lines, or (``log_format: json``)
one JSON object per line for a log collector (journald, Loki, CloudWatch, Elastic...).

JSON records come from python-json-logger: it already handles what a hand-written Formatter gets
wrong (``extra=`` fields, values json cannot encode, exceptions and stack traces), and it has no
dependencies of its own. Each object has ``time`` (ISO 8601, UTC), ``level``, ``logger``,
``message``, ``exception`` (the traceback text, when there is one) and any ``extra`` fields."""

from __future__ import annotations

import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "{message}{levelname}{name}", style="{",
        rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
        timestamp="time",  # datetime.fromtimestamp(record.created, UTC).isoformat()
        json_ensure_ascii=False,  # Thai, Khmer, Cyrillic... stay readable in the collector
    )


def formatter(log_format: str) -> logging.Formatter:
    return json_formatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(level: str = "INFO", log_format: str = "text", stream: Any = None) -> None:
    """One handler on the root logger, replacing any earlier one (like ``basicConfig(force=True)``)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    logging.basicConfig(level=getattr(logging, level), handlers=[handler], force=True)
