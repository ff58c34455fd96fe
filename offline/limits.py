"""Discord's documented payload limits, checked on every payload the bot sends offline.

Each function returns the problems it found as readable strings (empty when the payload
would be accepted), so a test can fail on all of them at once and the console can warn.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_COMMAND_NAME = re.compile(r"^[-_\w\u0e00-\u0e7f\u0900-\u097f]{1,32}$")


def _len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def message_violations(msg: dict[str, Any]) -> list[str]:
    problems = []
    if _len(msg.get("content")) > 2000:
        problems.append(f"content is {_len(msg.get('content'))} > 2000 chars")
    embeds = msg.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds > 10")
    total = 0
    for e in embeds:
        for key, limit in (("title", 256), ("description", 4096)):
            if _len(e.get(key)) > limit:
                problems.append(f"embed {key} {_len(e.get(key))} > {limit}")
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{len(fields)} embed fields > 25")
        for f in fields:
            if not f.get("name") or not f.get("value"):
                problems.append("embed field with empty name or value")
            if _len(f.get("name")) > 256:
                problems.append(f"field name {_len(f.get('name'))} > 256")
            if _len(f.get("value")) > 1024:
                problems.append(f"field value {_len(f.get('value'))} > 1024")
        footer = (e.get("footer") or {}).get("text")
        if _len(footer) > 2048:
            problems.append(f"footer {_len(footer)} > 2048")
        author = (e.get("author") or {}).get("name")
        if _len(author) > 256:
            problems.append(f"author {_len(author)} > 256")
        total += sum(_len(e.get(k)) for k in ("title", "description")) + _len(footer) + _len(author)
        total += sum(_len(f.get("name")) + _len(f.get("value")) for f in fields)
    if total > 6000:
        problems.append(f"embeds hold {total} > 6000 chars")
    problems += component_violations(msg.get("components") or [])
    return problems


def component_violations(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows > 5")
    ids: set[str] = set()
    for row in rows:
        comps = row.get("components") or []
        if len(comps) > 5:
            problems.append(f"{len(comps)} components in a row > 5")
        for c in comps:
            cid = c.get("custom_id")
            if cid is not None:
                if len(cid) > 100:
                    problems.append(f"custom_id {cid[:30]}… > 100")
                if cid in ids:
                    problems.append(f"duplicate custom_id {cid}")
                ids.add(cid)
            if _len(c.get("label")) > 80:
                problems.append(f"button label {_len(c.get('label'))} > 80")
            if len(c.get("options") or []) > 25:
                problems.append("select with > 25 options")
    return problems


def autocomplete_violations(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    problems = [f"{len(choices)} autocomplete choices > 25"] if len(choices) > 25 else []
    for ch in choices:
        if not 1 <= _len(ch.get("name")) <= 100:
            problems.append(f"choice name length {_len(ch.get('name'))} not in 1..100")
        if isinstance(ch.get("value"), str) and _len(ch["value"]) > 100:
            problems.append(f"choice value length {_len(ch['value'])} > 100")
    return problems


def modal_violations(data: dict[str, Any]) -> list[str]:
    problems = []
    if _len(data.get("title")) > 45:
        problems.append(f"modal title {_len(data.get('title'))} > 45")
    inputs = [c for row in data.get("components") or [] for c in row.get("components", [row.get("component", {})])]
    if len(inputs) > 5:
        problems.append(f"{len(inputs)} modal inputs > 5")
    for c in inputs:
        if _len(c.get("label")) > 45:
            problems.append(f"input label {c.get('label')!r} > 45")
        if _len(c.get("value")) > 4000:
            problems.append("input value > 4000")
    return problems


def command_violations(commands: list[dict[str, Any]]) -> list[str]:
    problems = []

    def check(obj: dict[str, Any], where: str) -> None:
        name = obj.get("name", "")
        if obj.get("type", 1) == 1 or "options" in obj or where:
            if not _COMMAND_NAME.match(name) or name != name.lower():
                problems.append(f"{where}{name}: invalid name")
        if _len(obj.get("description")) > 100:
            problems.append(f"{where}{name}: description > 100")
        for loc, text in (obj.get("name_localizations") or {}).items():
            if not _COMMAND_NAME.match(text) or text != text.lower():
                problems.append(f"{where}{name}: invalid {loc} name {text!r}")
        for loc, text in (obj.get("description_localizations") or {}).items():
            if _len(text) > 100:
                problems.append(f"{where}{name}: {loc} description > 100")
        options = obj.get("options") or []
        if len(options) > 25:
            problems.append(f"{where}{name}: > 25 options")
        if len(obj.get("choices") or []) > 25:
            problems.append(f"{where}{name}: > 25 choices")
        for opt in options:
            check(opt, f"{where}{name} ")

    for cmd in commands:
        if cmd.get("type", 1) != 1:
            if not 1 <= _len(cmd.get("name")) <= 32:
                problems.append(f"context menu {cmd.get('name')!r}: name length")
            continue
        check(cmd, "")
    if len([c for c in commands if c.get("type", 1) == 1]) > 100:
        problems.append("> 100 slash commands")
    return problems


def channel_violations(body: dict[str, Any]) -> list[str]:
    """Channel and thread edits and forum posts: names, tags."""
    problems = []
    if "name" in body and not 1 <= _len(body.get("name")) <= 100:
        problems.append(f"channel/thread name length {_len(body.get('name'))} not in 1..100")
    tags = body.get("available_tags")
    if tags is not None:
        if len(tags) > 20:
            problems.append(f"{len(tags)} forum tags > 20")
        for t in tags:
            if not 1 <= _len(t.get("name")) <= 20:
                problems.append(f"forum tag name {t.get('name')!r} not 1..20 chars")
    if len(body.get("applied_tags") or []) > 5:
        problems.append(f"{len(body['applied_tags'])} applied tags > 5")
    return problems


def scheduled_event_violations(event: dict[str, Any], *, creating: bool) -> list[str]:
    problems = []
    if not 1 <= _len(event.get("name")) <= 100:
        problems.append(f"scheduled event name length {_len(event.get('name'))} not in 1..100")
    if _len(event.get("description")) > 1000:
        problems.append(f"scheduled event description {_len(event.get('description'))} > 1000")
    if event.get("entity_type") == 3:
        location = (event.get("entity_metadata") or {}).get("location")
        if not 1 <= _len(location) <= 100:
            problems.append(f"external event location length {_len(location)} not in 1..100")
        if not event.get("scheduled_end_time"):
            problems.append("external event without scheduled_end_time")
    start, end = event.get("scheduled_start_time"), event.get("scheduled_end_time")
    if start and end and datetime.fromisoformat(end) <= datetime.fromisoformat(start):
        problems.append("scheduled event ends before it starts")
    if creating and start and datetime.fromisoformat(start) <= datetime.now(UTC):
        problems.append("scheduled event starts in the past")
    return problems
