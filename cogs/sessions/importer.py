"""A programme of sessions from YAML (``python -m bot sessions import FILE``).

Example::

    sessions:
      - title: Cooperative law clinic
        start: "2026-12-03 14:00"       # local time in `timezone`
        timezone: Asia/Bangkok
        duration_minutes: 90
        format: clinic                  # webinar, workshop, clinic, course, meeting, study-visit, talk
        description: Questions on registering and governing cooperatives.
        languages: [en, th]
        countries: [TH, KH, LA]         # empty = all member countries
        join_url: https://zoom.us/j/123
        capacity: 40
        repeat: weekly                  # optional: weekly, biweekly, monthly
        occurrences: 4

Structure errors name the file, line and key; content errors (past dates, unknown zones...)
name the entry. Nothing is stored unless every entry is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.catalogues import _
from bot.errors import InvalidInput
from bot.yamlfile import load_yaml, validate
from cogs.sessions.parsing import SessionDraft


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    start: str
    timezone: str | None = None
    duration_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 60
    format: str = "webinar"
    description: str | None = None
    languages: list[str] | str | None = None
    countries: list[str] | str | None = None
    join_url: str | None = None
    capacity: Annotated[int, Field(ge=0)] | None = None
    repeat: str | None = None
    occurrences: Annotated[int, Field(ge=1, le=52)] | None = None


class _Programme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sessions: list[_Entry] = Field(min_length=1)


def load_programme(path: Path) -> list[SessionDraft]:
    if not path.is_file():
        raise InvalidInput(_("There is no file {path}.").format(path=repr(str(path)[:200])))
    data, lines = load_yaml(path)
    programme = validate(_Programme, data, path, lines)
    return [SessionDraft(**e.model_dump()) for e in programme.sessions]
