"""National action plans: recommendations, actions and their progress updates. Never imports discord.

Facilitators (and the CLI) create and edit plans; a member whose profile names the plan's country
posts a progress update, which counts once a facilitator confirms it. A milestone (an action's
target date) falling due is announced once in the country's channel through the outbox: the row's
``due_announced_at`` is set in the transaction that enqueues the notice."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_, _
from bot.config import Config
from bot.countries import CountryDirectory, directory
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.guild import GuildSettings
from bot.outbox import Outbox
from bot.permissions import Actor
from bot.text import clean, fold, optional_text, require_text
from cogs.plans.models import (
    STATUSES,
    ActionPlan,
    ActionStatusChange,
    ActionUpdate,
    PlanAction,
    Recommendation,
)
from cogs.plans.records import (
    STATUS_LABELS,
    ActionInfo,
    Milestone,
    PlanDraft,
    PlanInfo,
    PlanSummary,
    Posted,
    RecommendationInfo,
    StatusChange,
    UpdateInfo,
    status_label,
)
from cogs.profiles.models import MemberProfile
from cogs.sessions.wording import facilitators_only
from db.models import utcnow

DUE = "plans.due"  # the outbox kind of "a milestone falls due" notices
MAX_TITLE, MAX_RECOMMENDATION, MAX_ACTION, MAX_OWNER, MAX_UPDATE = 200, 500, 300, 200, 1000
MAX_EVIDENCE, MAX_LINK = 5, 500
MAX_AHEAD = timedelta(days=366 * 10)  # a target date more than ten years ahead is a typo
LAST_MONTH = timedelta(days=30)
_LINK = re.compile(r"^https?://[^\s<>]+$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")

def _update_info(u: ActionUpdate) -> UpdateInfo:
    return UpdateInfo(u.id, u.action_id, u.author_id, u.text, tuple(u.evidence or ()), u.created_at,
                      u.confirmed_at, u.confirmed_by_user_id)


def _action_info(a: PlanAction, updates: Sequence[ActionUpdate] = (),
                 history: Sequence[ActionStatusChange] = ()) -> ActionInfo:
    return ActionInfo(a.id, a.recommendation_id, a.title, a.owner_org, a.target_date, a.status, a.status_changed_at,
                      a.created_at, tuple(_update_info(u) for u in updates),
                      history=tuple(StatusChange(h.from_status, h.to_status, h.changed_at, h.changed_by_user_id)
                                    for h in history))


async def _histories(session: AsyncSession, action_ids: Sequence[int]) -> dict[int, list[ActionStatusChange]]:
    """Each action's status changes, oldest first (one query)."""
    out: dict[int, list[ActionStatusChange]] = defaultdict(list)
    if action_ids:
        for h in await session.scalars(select(ActionStatusChange).where(ActionStatusChange.action_id.in_(action_ids))
                                       .order_by(ActionStatusChange.changed_at, ActionStatusChange.id)):
            out[h.action_id].append(h)
    return out


def change_status(session: AsyncSession, row: PlanAction, state: str, user_id: int | None, now: datetime) -> bool:
    """Set an action's status and keep the change in its history (nothing when it is the same)."""
    if state == row.status:
        return False
    session.add(ActionStatusChange(action_id=row.id, changed_by_user_id=user_id or None, from_status=row.status,
                                   to_status=state, changed_at=now))
    row.status, row.status_changed_at = state, now
    return True


class PlanService:
    """Plans, their actions and updates. Plain values in, frozen dataclasses out."""

    def __init__(self, config: Config, guild: GuildSettings, outbox: Outbox, countries: CountryDirectory | None = None):
        self.config = config
        self.guild = guild
        self.outbox = outbox
        self.countries = countries or directory()

    # ------------------------------------------------------------------ reading what people type
    def today(self, now: datetime | None = None) -> date:
        return (now or utcnow()).astimezone(ZoneInfo(self.guild.current.timezone)).date()

    def parse_country(self, text: str | None) -> str:
        typed = require_text(text, field=N_("country"), max_len=100)
        code = typed.upper() if self.countries.get(typed.upper()) else self.countries.parse(typed)
        if code is None:
            raise InvalidInput(
                _("I don't know the country “{typed}”. Choose one of: {countries}, in any language.").format(
                    typed=typed[:40], countries=", ".join(self.countries.names())),
                suggestions=self.countries.suggest(typed))
        return code

    def parse_date(self, text: str | None, *, now: datetime | None = None, past_ok: bool = False) -> date:
        typed = require_text(text, field=N_("target date"), max_len=40)
        m = _DATE.match(typed)
        try:
            when = date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            when = None
        if when is None:
            raise InvalidInput(_("“{typed}” is not a date I can read: please write it as YYYY-MM-DD, "
                                 "for example 2027-03-31.").format(typed=typed[:40]))
        today = self.today(now)
        if when < today and not past_ok:
            raise InvalidInput(_("The date {date} is in the past: please give today or a later date.").format(
                date=when.isoformat()))
        if when > today + MAX_AHEAD:
            raise InvalidInput(_("The date {date} is more than ten years ahead: is it a typo?").format(
                date=when.isoformat()))
        return when

    def parse_status(self, text: str | None) -> str:
        typed = require_text(text, field=N_("status"), max_len=40)
        key = fold(typed).replace(" ", "_").replace("-", "_")
        for code, label in STATUS_LABELS.items():
            if key in (code, fold(label).replace(" ", "_"), fold(_(label)).replace(" ", "_")):
                return code
        raise InvalidInput(_("There is no status “{typed}”. Choose one of: {statuses}.").format(
            typed=typed[:40], statuses=", ".join(status_label(s) for s in STATUSES)))

    def parse_evidence(self, text: str | None) -> list[str]:
        """Links separated by spaces, commas or new lines (a resource, a session, a message link)."""
        typed = optional_text(text, field=N_("evidence links"), max_len=MAX_EVIDENCE * (MAX_LINK + 1), multiline=True)
        if typed is None:
            return []
        links = [p for p in re.split(r"[\s,]+", typed) if p]
        bad = [p for p in links if not _LINK.match(p) or len(p) > MAX_LINK]
        if bad:
            raise InvalidInput(_("“{link}” is not a web link: evidence must be links starting with https://.").format(
                link=bad[0][:60]))
        if len(links) > MAX_EVIDENCE:
            raise InvalidInput(_("Please give at most {limit} evidence links.").format(limit=MAX_EVIDENCE))
        return list(dict.fromkeys(links))

    def complete_country(self, text: str | None) -> list[tuple[str, str]]:
        return [(c.name, c.value) for c in self.countries.complete(text)]

    async def member_country(self, session: AsyncSession, user_id: int) -> str | None:
        """The country a member's profile names (None without a profile or a country)."""
        found: str | None = await session.scalar(select(MemberProfile.country).where(MemberProfile.user_id == user_id))
        return found

    # ------------------------------------------------------------------ reading plans
    async def _plan_row(self, session: AsyncSession, country: str) -> ActionPlan | None:
        return (await session.scalars(select(ActionPlan).where(ActionPlan.country == country))).first()

    async def _info(self, session: AsyncSession, plan: ActionPlan, *, with_updates: bool = True) -> PlanInfo:
        """The plan; with its confirmed updates' text (``with_updates``), else only each action's
        latest confirmed update's date (all /plan show and /country need: one grouped query)."""
        recs = (await session.scalars(select(Recommendation).where(Recommendation.plan_id == plan.id)
                                      .order_by(Recommendation.position, Recommendation.id))).all()
        rec_ids = [r.id for r in recs]
        actions = (await session.scalars(select(PlanAction).where(PlanAction.recommendation_id.in_(rec_ids))
                                         .order_by(PlanAction.position, PlanAction.id))).all() if rec_ids else []
        action_ids = [a.id for a in actions]
        updates: dict[int, list[ActionUpdate]] = defaultdict(list)
        latest: dict[int, datetime] = {}
        if action_ids and with_updates:
            for u in await session.scalars(select(ActionUpdate).where(
                    ActionUpdate.action_id.in_(action_ids), ActionUpdate.confirmed_at.is_not(None))
                    .order_by(ActionUpdate.created_at, ActionUpdate.id)):
                updates[u.action_id].append(u)
        elif action_ids:
            latest = {aid: when for aid, when in (await session.execute(
                select(ActionUpdate.action_id, func.max(ActionUpdate.created_at)).where(
                    ActionUpdate.action_id.in_(action_ids), ActionUpdate.confirmed_at.is_not(None))
                .group_by(ActionUpdate.action_id))).all()}
        history = await _histories(session, action_ids)
        by_rec: dict[int, list[ActionInfo]] = defaultdict(list)
        for a in actions:
            info = _action_info(a, updates[a.id], history[a.id])
            if a.id in latest:
                info = replace(info, last_update_at=latest[a.id])  # func.max keeps the column's aware type
            by_rec[a.recommendation_id].append(info)
        return PlanInfo(plan.id, plan.country, self.countries.name(plan.country), plan.title,
                        tuple(RecommendationInfo(r.id, i + 1, r.text, tuple(by_rec[r.id])) for i, r in enumerate(recs)))

    async def plan(self, session: AsyncSession, country: str, *, with_updates: bool = True) -> PlanInfo | None:
        row = await self._plan_row(session, country)
        return await self._info(session, row, with_updates=with_updates) if row is not None else None

    async def require_plan(self, session: AsyncSession, country: str) -> PlanInfo:
        found = await self.plan(session, country)
        if found is None:
            raise NotFound(_("{country} has no action plan in the bot yet.").format(country=self.countries.name(country)))
        return found

    async def plans(self, session: AsyncSession, *, with_updates: bool = False) -> list[PlanInfo]:
        rows = (await session.scalars(select(ActionPlan).order_by(ActionPlan.country))).all()
        return [await self._info(session, r, with_updates=with_updates) for r in rows]

    async def summary(self, session: AsyncSession, country: str, *, now: datetime | None = None) -> PlanSummary | None:
        plan = await self.plan(session, country, with_updates=False)
        if plan is None:
            return None
        now = now or utcnow()
        today = self.today(now)
        return PlanSummary(plan, today, plan.moved(now - LAST_MONTH), plan.overdue(today), now - LAST_MONTH)

    async def action(self, session: AsyncSession, action_id: int) -> tuple[ActionInfo, str]:
        """An action and its plan's country code."""
        row = await session.get(PlanAction, action_id)
        if row is None:
            raise NotFound(_("There is no action #{id}. /plan show lists the actions with their numbers.").format(id=action_id))
        country = await session.scalar(select(ActionPlan.country).join(
            Recommendation, Recommendation.plan_id == ActionPlan.id).where(Recommendation.id == row.recommendation_id))
        updates = (await session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == row.id)
                                         .order_by(ActionUpdate.created_at))).all()
        return _action_info(row, updates, (await _histories(session, [row.id]))[row.id]), str(country)

    async def pending_updates(self, session: AsyncSession, country: str | None = None) -> list[tuple[UpdateInfo, str]]:
        """Updates waiting for a facilitator, oldest first, with the title of their action."""
        q = (select(ActionUpdate, PlanAction.title).join(PlanAction, PlanAction.id == ActionUpdate.action_id)
             .where(ActionUpdate.confirmed_at.is_(None)).order_by(ActionUpdate.created_at))
        if country:
            q = (q.join(Recommendation, Recommendation.id == PlanAction.recommendation_id)
                 .join(ActionPlan, ActionPlan.id == Recommendation.plan_id).where(ActionPlan.country == country))
        return [(_update_info(u), title) for u, title in (await session.execute(q)).all()]

    # ------------------------------------------------------------------ facilitators' edits
    def _facilitator(self, actor: Actor) -> None:
        facilitators_only(actor, self.guild.current, _("Only facilitators can change action plans."))

    async def _ensure_plan(self, session: AsyncSession, country: str, title: str | None) -> ActionPlan:
        row = await self._plan_row(session, country)
        if row is None:
            row = ActionPlan(country=country, title=title or f"{self.countries.name(country)} national action plan")
            session.add(row)
            await session.flush()
        elif title and title != row.title:
            row.title = title
        return row

    async def _ensure_recommendation(self, session: AsyncSession, plan: ActionPlan, text: str) -> Recommendation:
        recs = (await session.scalars(select(Recommendation).where(Recommendation.plan_id == plan.id)
                                      .order_by(Recommendation.position, Recommendation.id))).all()
        if text.isdigit() and 1 <= int(text) <= len(recs):
            return recs[int(text) - 1]
        for r in recs:
            if fold(r.text) == fold(text):
                return r
        if text.isdigit():
            raise InvalidInput(_("The plan has no recommendation {number}: give its number from /plan show, "
                                 "or the text of a new one.").format(number=text))
        row = Recommendation(plan_id=plan.id, position=len(recs), text=text)
        session.add(row)
        await session.flush()
        return row

    async def add_action(self, session: AsyncSession, actor: Actor, *, country: str, recommendation: str, title: str,
                         owner: str, target: str, status: str = "planned", now: datetime | None = None) -> ActionInfo:
        self._facilitator(actor)
        now = now or utcnow()
        code = self.parse_country(country)
        rec_text = require_text(recommendation, field=N_("recommendation"), max_len=MAX_RECOMMENDATION)
        action_title = require_text(title, field=N_("action"), max_len=MAX_ACTION)
        owner_org = require_text(owner, field=N_("owner organisation"), max_len=MAX_OWNER)
        when = self.parse_date(target, now=now)
        state = self.parse_status(status)
        plan = await self._ensure_plan(session, code, None)
        rec = await self._ensure_recommendation(session, plan, rec_text)
        existing = (await session.scalars(select(PlanAction).where(PlanAction.recommendation_id == rec.id))).all()
        for a in existing:
            if fold(a.title) == fold(action_title):
                raise InvalidInput(_("This recommendation already has the action “{title}” (#{id}).").format(
                    title=a.title[:80], id=a.id))
        row = PlanAction(recommendation_id=rec.id, position=len(existing), title=action_title, owner_org=owner_org,
                         target_date=when, status=state, status_changed_at=now, created_at=now)
        session.add(row)
        plan.updated_at = now
        await session.flush()
        return _action_info(row)

    async def set_status(self, session: AsyncSession, actor: Actor, action_id: int, status: str, *,
                         target: str | None = None, now: datetime | None = None) -> ActionInfo:
        self._facilitator(actor)
        now = now or utcnow()
        state = self.parse_status(status)
        row = await session.get(PlanAction, action_id)
        if row is None:
            raise NotFound(_("There is no action #{id}. /plan show lists the actions with their numbers.").format(id=action_id))
        if target:
            when = self.parse_date(target, now=now)
            if when != row.target_date:
                row.target_date, row.due_announced_at = when, None
        change_status(session, row, state, actor.user_id, now)
        await session.flush()
        return (await self.action(session, row.id))[0]

    # ------------------------------------------------------------------ members' progress updates
    async def post_update(self, session: AsyncSession, user_id: int, action_id: int, text: str | None,
                          evidence: str | None = None, *, now: datetime | None = None) -> Posted:
        """Only a member whose profile names the plan's country; the same waiting update is stored once."""
        action, country = await self.action(session, action_id)
        profile_country = await self.member_country(session, user_id)
        if profile_country != country:
            name = self.countries.name(country)
            raise NotAllowed(_("Thank you for wanting to help! Progress on {country}'s plan is posted by members "
                               "whose profile says {country}. If that is you, set your country with /profile set "
                               "and try again.").format(country=name))
        body = require_text(text, field=N_("update"), max_len=MAX_UPDATE, multiline=True)
        links = self.parse_evidence(evidence)
        for u in action.updates:
            if u.author_id == user_id and u.confirmed_at is None and clean(u.text) == clean(body):
                return Posted(u, action, created=False)
        row = ActionUpdate(action_id=action_id, author_id=user_id, text=body, evidence=links, created_at=now or utcnow())
        session.add(row)
        await session.flush()
        return Posted(_update_info(row), action, created=True)

    async def confirm(self, session: AsyncSession, actor: Actor, update_id: int, *,
                      now: datetime | None = None) -> tuple[UpdateInfo, bool]:
        """(the update, whether this call confirmed it); a second confirmation changes nothing."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can confirm progress updates."))
        row = await session.get(ActionUpdate, update_id)
        if row is None:
            raise NotFound(_("There is no progress update #{id}.").format(id=update_id))
        if row.confirmed_at is not None:
            return _update_info(row), False
        done = await session.execute(update(ActionUpdate).where(
            ActionUpdate.id == update_id, ActionUpdate.confirmed_at.is_(None)).values(
            confirmed_at=now or utcnow(), confirmed_by_user_id=actor.user_id or None))
        await session.refresh(row)
        return _update_info(row), bool(getattr(done, "rowcount", 0))

    # ------------------------------------------------------------------ milestones
    def channel_for(self, country: str) -> int:
        return int(self.config.plans.channels.get(country) or self.guild.current.announcements or 0)

    async def announce_due(self, session: AsyncSession, *, now: datetime | None = None) -> list[Milestone]:
        """Claim every action whose target date has come and is not done, and enqueue its notice once."""
        now = now or utcnow()
        today = self.today(now)
        rows = (await session.execute(
            select(PlanAction, ActionPlan.country).join(Recommendation, Recommendation.id == PlanAction.recommendation_id)
            .join(ActionPlan, ActionPlan.id == Recommendation.plan_id)
            .where(PlanAction.target_date <= today, PlanAction.status != "done", PlanAction.due_announced_at.is_(None))
            .order_by(PlanAction.target_date, PlanAction.id))).all()
        out = []
        for row, country in rows:
            claimed = await session.execute(update(PlanAction).where(
                PlanAction.id == row.id, PlanAction.due_announced_at.is_(None)).values(due_announced_at=now))
            if not getattr(claimed, "rowcount", 0):
                continue  # another instance claimed it meanwhile
            channel = self.channel_for(country)
            if not channel:
                continue
            milestone = Milestone(_action_info(row), country, self.countries.name(country), channel)
            await self.outbox.enqueue(session, f"plans:due:{row.id}:{row.target_date.isoformat()}", DUE,
                                      channel_id=channel, params={"action_id": row.id, "country": country})
            out.append(milestone)
        return out

    # ------------------------------------------------------------------ import and export
    def check_drafts(self, drafts: Sequence[PlanDraft], existing: dict[tuple[str, str, str], date],
                     now: datetime | None = None) -> list[str]:
        """Every problem of a file, each named with its place (``plans[0].recommendations[1].actions[0].target``)."""
        problems: list[str] = []
        seen: set[str] = set()

        def check(where: str, fn: Any) -> Any:
            try:
                return fn()
            except InvalidInput as exc:
                problems.append(f"{where}: {exc.message}")
                return None

        for i, plan in enumerate(drafts):
            place = f"plans[{i}]"
            code = check(f"{place}.country", lambda plan=plan: self.parse_country(plan.country))
            if code in seen:
                problems.append(f"{place}.country: " + _("{country} has a second plan in this file.").format(
                    country=self.countries.name(code)))
            seen.add(code)
            if plan.title is not None:
                check(f"{place}.title", lambda plan=plan: require_text(plan.title, field=N_("title"), max_len=MAX_TITLE))
            for j, rec in enumerate(plan.recommendations):
                rplace = f"{place}.recommendations[{j}]"
                check(f"{rplace}.text", lambda rec=rec: require_text(rec.text, field=N_("recommendation"),
                                                                     max_len=MAX_RECOMMENDATION))
                for k, act in enumerate(rec.actions):
                    aplace = f"{rplace}.actions[{k}]"
                    check(f"{aplace}.title", lambda act=act: require_text(act.title, field=N_("action"), max_len=MAX_ACTION))
                    check(f"{aplace}.owner", lambda act=act: require_text(act.owner, field=N_("owner organisation"),
                                                                          max_len=MAX_OWNER))
                    check(f"{aplace}.status", lambda act=act: self.parse_status(act.status))
                    stored = existing.get((code or "", fold(clean(rec.text)), fold(clean(act.title))))
                    when = check(f"{aplace}.target", lambda act=act: self.parse_date(act.target, now=now, past_ok=True))
                    if when is not None and when < self.today(now) and when != stored:
                        problems.append(f"{aplace}.target: " + _(
                            "The date {date} is in the past: please give today or a later date.").format(
                            date=when.isoformat()))
        return problems

    async def _existing(self, session: AsyncSession) -> dict[tuple[str, str, str], date]:
        rows = (await session.execute(
            select(ActionPlan.country, Recommendation.text, PlanAction.title, PlanAction.target_date)
            .join(Recommendation, Recommendation.plan_id == ActionPlan.id)
            .join(PlanAction, PlanAction.recommendation_id == Recommendation.id))).all()
        return {(c, fold(r), fold(t)): d for c, r, t, d in rows}

    async def import_plans(self, session: AsyncSession, actor: Actor, drafts: Sequence[PlanDraft], *,
                           now: datetime | None = None) -> list[PlanInfo]:
        """All or nothing. A plan already in the bot is completed: a recommendation or action of the
        same text is updated (owner, target, status), a new one added; importing twice stores nothing twice."""
        self._facilitator(actor)
        now = now or utcnow()
        problems = self.check_drafts(drafts, await self._existing(session), now)
        if problems:
            raise InvalidInput("\n".join(problems))
        out = []
        for draft in drafts:
            code = self.parse_country(draft.country)
            plan = await self._ensure_plan(session, code, clean(draft.title) if draft.title else None)
            for rec_draft in draft.recommendations:
                rec = await self._ensure_recommendation(session, plan, clean(rec_draft.text))
                actions = (await session.scalars(select(PlanAction).where(PlanAction.recommendation_id == rec.id))).all()
                by_title = {fold(a.title): a for a in actions}
                for act in rec_draft.actions:
                    title = clean(act.title)
                    when = self.parse_date(act.target, now=now, past_ok=True)
                    state = self.parse_status(act.status)
                    row = by_title.get(fold(title))
                    if row is None:
                        row = PlanAction(recommendation_id=rec.id, position=len(by_title), title=title,
                                         owner_org=clean(act.owner), target_date=when, status=state,
                                         status_changed_at=now, created_at=now)
                        session.add(row)
                        by_title[fold(title)] = row
                        continue
                    row.owner_org = clean(act.owner)
                    if when != row.target_date:
                        row.target_date, row.due_announced_at = when, None
                    change_status(session, row, state, actor.user_id, now)
            plan.updated_at = now
            await session.flush()
            out.append(await self._info(session, plan))
        return out

    async def export(self, session: AsyncSession, country: str | None = None) -> dict[str, Any]:
        """The plans as the YAML file describes them (importing it again changes nothing)."""
        plans = [await self.require_plan(session, self.parse_country(country))] if country else await self.plans(session)
        return {"plans": [{"country": p.country, "title": p.title,
                           "recommendations": [{"text": r.text, "actions": [
                               {"title": a.title, "owner": a.owner_org, "target": a.target_date.isoformat(),
                                "status": a.status} for a in r.actions]} for r in p.recommendations]}
                          for p in plans]}

    # ------------------------------------------------------------------ figures for the M&E report
    async def figures(self, session: AsyncSession) -> dict[str, Any]:
        """Actions by status per country, and confirmed progress updates per month (``YYYY-MM``)."""
        by_status: dict[str, dict[str, int]] = {}
        rows = (await session.execute(
            select(ActionPlan.country, PlanAction.status).join(Recommendation, Recommendation.plan_id == ActionPlan.id)
            .join(PlanAction, PlanAction.recommendation_id == Recommendation.id))).all()
        for country, status in rows:
            by_status.setdefault(country, {s: 0 for s in STATUSES})[status] += 1
        months: Counter[str] = Counter()
        for (created,) in (await session.execute(select(ActionUpdate.created_at).where(
                ActionUpdate.confirmed_at.is_not(None)))).all():
            months[created.strftime("%Y-%m")] += 1
        return {"actions_by_status": dict(sorted(by_status.items())), "updates_per_month": dict(sorted(months.items()))}
