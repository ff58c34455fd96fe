"""Action plans from YAML (``python -m bot plans import FILE``), the shape ``plans export`` writes.

Example (content/plans/example.yaml)::

    plans:
      - country: KH                      # a programme country, any of its names
        title: National action plan      # optional
        recommendations:
          - text: The recommendation, as the plan words it
            actions:
              - title: What will be done
                owner: The organisation in charge (not a person)
                target: "2027-06-30"     # YYYY-MM-DD, today or later
                status: planned          # planned, under way, done, stalled

Structure errors name the file, line and key; content errors (dates in the past, unknown
countries, unknown statuses) name the entry's place. Nothing is stored unless all is valid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.catalogues import _
from bot.errors import InvalidInput
from bot.yamlfile import load_yaml, validate
from cogs.plans.records import ActionDraft, PlanDraft, RecommendationDraft


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    owner: str
    target: str
    status: str = "planned"

    @field_validator("target", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        # YAML reads an unquoted 2027-06-30 as a date
        return value.isoformat() if isinstance(value, dt.date) else value


class _Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    actions: list[_Action] = Field(default_factory=list)


class _Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str
    title: str | None = None
    recommendations: list[_Recommendation] = Field(default_factory=list)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plans: list[_Plan] = Field(min_length=1)


def load_plans(path: Path) -> list[PlanDraft]:
    if not path.is_file():
        raise InvalidInput(_("There is no file {path}.").format(path=repr(str(path)[:200])))
    data, lines = load_yaml(path)
    found = validate(_File, data, path, lines)
    return [PlanDraft(p.country, p.title, tuple(
        RecommendationDraft(r.text, tuple(ActionDraft(a.title, a.owner, a.target, a.status) for a in r.actions))
        for r in p.recommendations)) for p in found.plans]
