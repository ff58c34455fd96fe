"""What the plans service hands out and takes in: plain frozen values (a plan, its actions, their
updates and status history), and the entries of a plans file. Never imports discord."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.catalogues import N_, _
from cogs.plans.models import STATUSES

STATUS_LABELS: dict[str, str] = {
    "planned": N_("planned"), "under_way": N_("under way"), "done": N_("done"), "stalled": N_("stalled"),
}
assert tuple(STATUS_LABELS) == STATUSES


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class UpdateInfo:
    id: int
    action_id: int
    author_id: int | None
    text: str
    evidence: tuple[str, ...]
    created_at: datetime
    confirmed_at: datetime | None
    confirmed_by: int | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "action_id": self.action_id, "text": self.text, "evidence": list(self.evidence),
                "created_at": self.created_at.isoformat(),
                "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None}


@dataclass(frozen=True)
class StatusChange:
    """One change of an action's status. ``changed_by`` (a member id, None from the CLI or a file)
    stays inside the bot: /privacy shows it to that member, nothing else prints it."""

    from_status: str
    to_status: str
    changed_at: datetime
    changed_by: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"from": self.from_status, "to": self.to_status, "at": self.changed_at.isoformat()}


@dataclass(frozen=True)
class ActionInfo:
    id: int
    recommendation_id: int
    title: str
    owner_org: str
    target_date: date
    status: str
    status_changed_at: datetime
    created_at: datetime
    updates: tuple[UpdateInfo, ...] = ()
    last_update_at: datetime | None = None  # the latest confirmed update's date, when updates were not read
    history: tuple[StatusChange, ...] = ()  # oldest first

    def overdue(self, today: date) -> bool:
        return self.target_date < today and self.status != "done"

    @property
    def confirmed(self) -> tuple[UpdateInfo, ...]:
        return tuple(u for u in self.updates if u.confirmed_at is not None)

    def moved_since(self, cutoff: datetime) -> bool:
        """Its status changed (after it was planned), or a confirmed update was posted, since ``cutoff``."""
        changed = self.status_changed_at >= cutoff and self.status_changed_at > self.created_at
        updated = self.last_update_at is not None and self.last_update_at >= cutoff
        return changed or updated or any(u.created_at >= cutoff for u in self.confirmed)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "owner": self.owner_org, "target": self.target_date.isoformat(),
                "status": self.status, "status_changed_at": self.status_changed_at.isoformat(),
                "history": [h.as_json() for h in self.history], "updates": [u.as_json() for u in self.confirmed]}

    def changes_since(self, cutoff: datetime) -> tuple[StatusChange, ...]:
        return tuple(h for h in self.history if h.changed_at >= cutoff)


@dataclass(frozen=True)
class RecommendationInfo:
    id: int
    position: int
    text: str
    actions: tuple[ActionInfo, ...]


@dataclass(frozen=True)
class PlanInfo:
    id: int
    country: str
    country_name: str
    title: str
    recommendations: tuple[RecommendationInfo, ...]

    @property
    def actions(self) -> tuple[ActionInfo, ...]:
        return tuple(a for r in self.recommendations for a in r.actions)

    def overdue(self, today: date) -> tuple[ActionInfo, ...]:
        return tuple(a for a in self.actions if a.overdue(today))

    def moved(self, since: datetime) -> tuple[ActionInfo, ...]:
        return tuple(a for a in self.actions if a.moved_since(since))

    def counts(self) -> dict[str, int]:
        found = Counter(a.status for a in self.actions)
        return {s: found.get(s, 0) for s in STATUSES}

    def as_json(self, *, updates: bool = True) -> dict[str, Any]:
        def action(a: ActionInfo) -> dict[str, Any]:
            out = a.as_json()
            if not updates:
                out = {k: out[k] for k in ("title", "owner", "target", "status")}
            return out

        return {"country": self.country, "country_name": self.country_name, "title": self.title,
                "recommendations": [{"text": r.text, "actions": [action(a) for a in r.actions]}
                                    for r in self.recommendations]}


@dataclass(frozen=True)
class PlanSummary:
    """What /country shows of a plan: counts, what moved in the last month, what is overdue."""

    plan: PlanInfo
    today: date
    moved: tuple[ActionInfo, ...]
    overdue: tuple[ActionInfo, ...]
    since: datetime | None = None  # "moved" counts from this moment (a month before the reading)


@dataclass(frozen=True)
class Posted:
    update: UpdateInfo
    action: ActionInfo
    created: bool  # False: the same update was posted already and is still waiting


@dataclass(frozen=True)
class Milestone:
    action: ActionInfo
    country: str
    country_name: str
    channel_id: int


# ----------------------------------------------------------------- the YAML file's entries
@dataclass(frozen=True)
class ActionDraft:
    title: str
    owner: str
    target: str
    status: str = "planned"


@dataclass(frozen=True)
class RecommendationDraft:
    text: str
    actions: tuple[ActionDraft, ...] = ()


@dataclass(frozen=True)
class PlanDraft:
    country: str
    title: str | None = None
    recommendations: tuple[RecommendationDraft, ...] = field(default_factory=tuple)
