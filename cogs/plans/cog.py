"""/plan show|update|confirm, /plan action add|status, /consult open|list|answer. Thin: convert
inputs, call PlanService or ConsultationService, render, respond (privately: ephemeral, no pings)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.permissions import is_facilitator
from bot.ui.common import actor_of, clip_choices, member_language, reply
from cogs.plans.components import COMPONENTS, ConsultModal, answer_view
from cogs.plans.consultations import ConsultationService
from cogs.plans.records import STATUS_LABELS
from cogs.plans.service import PlanService
from cogs.plans.ui import action_line, consultation_embed, consultations_embed, plan_embed
from cogs.sessions.wording import facilitators_only

STATUS_CHOICES = [app_commands.Choice(name=locale_str(label), value=key) for key, label in STATUS_LABELS.items()]


class Plans(commands.Cog):
    plan_group = app_commands.Group(name=locale_str("plan"),
                                    description=locale_str("National action plans: recommendations, actions, progress"))
    action_group = app_commands.Group(name=locale_str("action"), description=locale_str("Facilitators: a plan's actions"),
                                      parent=plan_group)
    consult_group = app_commands.Group(name=locale_str("consult"),
                                       description=locale_str("Policy consultations: members' views on a draft"))

    def __init__(self, bot: SSEBot):
        self.bot = bot

    # ------------------------------------------------------------------ plans
    @plan_group.command(name=locale_str("show"), description=locale_str("A country's action plan: what moved, what is overdue"))
    @app_commands.describe(country=locale_str("The country, in any language (default: your profile's)"))
    async def plan_show(self, interaction: discord.Interaction[SSEBot], country: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        plans = app.service(PlanService)
        async with app.db.begin() as session:
            code = plans.parse_country(country) if country else await plans.member_country(session, interaction.user.id)
            if not code:
                raise InvalidInput(_("Which country? Give one, or set yours with /profile set."))
            summary = await plans.summary(session, code)
            if summary is None:
                raise NotFound(_("{country} has no action plan in the bot yet.").format(country=plans.countries.name(code)))
            facilitator = is_facilitator(actor_of(interaction), app.guild.current)
            waiting = await plans.pending_updates(session, code) if facilitator else []
        await reply(interaction, embed=plan_embed(summary, waiting), ephemeral=True)

    @plan_show.autocomplete("country")
    async def _show_country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(PlanService).countries.complete(current))

    @action_group.command(name=locale_str("add"), description=locale_str("Add an action to a country's plan"))
    @app_commands.describe(
        country=locale_str("The country, in any language"),
        recommendation=locale_str("The recommendation's number in /plan show, or the text of a new one"),
        title=locale_str("What will be done"),
        owner=locale_str("The organisation in charge (not a person's contact details)"),
        target=locale_str("Target date, YYYY-MM-DD"),
        status=locale_str("Where it stands (default: planned)"),
    )
    @app_commands.choices(status=STATUS_CHOICES)
    async def action_add(self, interaction: discord.Interaction[SSEBot], country: str, recommendation: str, title: str,
                         owner: str, target: str, status: str = "planned") -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            action = await app.service(PlanService).add_action(
                session, actor_of(interaction), country=country, recommendation=recommendation, title=title,
                owner=owner, target=target, status=status)
        await reply(interaction, content=_("Added: {action}").format(action=action_line(action)), ephemeral=True)

    @action_add.autocomplete("country")
    async def _add_country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(PlanService).countries.complete(current))

    @action_group.command(name=locale_str("status"), description=locale_str("Change an action's status or target date"))
    @app_commands.describe(action=locale_str("The action's number (#) in /plan show"), status=locale_str("Where it stands now"),
                           target=locale_str("A new target date, YYYY-MM-DD (optional)"))
    @app_commands.choices(status=STATUS_CHOICES)
    async def action_status(self, interaction: discord.Interaction[SSEBot], action: int, status: str,
                            target: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            changed = await app.service(PlanService).set_status(session, actor_of(interaction), action, status,
                                                                target=target)
        await reply(interaction, content=_("Saved: {action}").format(action=action_line(changed)), ephemeral=True)

    @plan_group.command(name=locale_str("update"), description=locale_str("Post progress on an action of your country's plan"))
    @app_commands.describe(action=locale_str("The action's number (#) in /plan show"),
                           text=locale_str("What happened (up to 1,000 characters)"),
                           evidence=locale_str("Links: a resource, a session, a message (optional)"))
    async def plan_update(self, interaction: discord.Interaction[SSEBot], action: int, text: str,
                          evidence: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            posted = await app.service(PlanService).post_update(session, interaction.user.id, action, text, evidence)
        message = (_("Thank you! Your update #{id} is saved; it counts once a facilitator confirms it.") if posted.created
                   else _("You posted this update already (#{id}); it is waiting for a facilitator, and stored once."))
        await reply(interaction, content=message.format(id=posted.update.id), ephemeral=True)

    @plan_group.command(name=locale_str("confirm"), description=locale_str("Facilitators: confirm a progress update"))
    @app_commands.describe(update=locale_str("The update's number (#)"))
    async def plan_confirm(self, interaction: discord.Interaction[SSEBot], update: int) -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            info, did = await app.service(PlanService).confirm(session, actor_of(interaction), update)
        message = (_("Update #{id} is confirmed: it now counts in the plan.") if did
                   else _("Update #{id} was confirmed already; nothing changed."))
        await reply(interaction, content=message.format(id=info.id), ephemeral=True)

    # ------------------------------------------------------------------ consultations
    @consult_group.command(name=locale_str("open"), description=locale_str("Facilitators: ask members about a draft policy"))
    @app_commands.describe(closes=locale_str("Closing date, YYYY-MM-DD (or YYYY-MM-DD HH:MM)"),
                           countries=locale_str("Audience countries, separated by commas (default: all)"))
    async def consult_open(self, interaction: discord.Interaction[SSEBot], closes: str, countries: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        service = app.service(ConsultationService)
        facilitators_only(actor_of(interaction), app.guild.current, _("Only facilitators can open consultations."))
        service.parse_closing(closes)  # refused before the form opens, so no typing is lost to a bad date
        service.parse_countries(countries)
        await interaction.response.send_modal(ConsultModal(interaction, {"closes": closes, "countries": countries}))

    @consult_group.command(name=locale_str("list"), description=locale_str("The consultations open now"))
    async def consult_list(self, interaction: discord.Interaction[SSEBot]) -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            found, hidden = await app.service(ConsultationService).offered(session, actor_of(interaction))
        await reply(interaction, embed=consultations_embed(found, hidden), ephemeral=True)

    @consult_group.command(name=locale_str("answer"), description=locale_str("Give your views on a consultation's questions"))
    @app_commands.describe(consultation=locale_str("The consultation's number (#) in /consult list"),
                           anonymous=locale_str("Hide your name from other members (default: no)"))
    async def consult_answer(self, interaction: discord.Interaction[SSEBot], consultation: int,
                             anonymous: bool = False) -> None:
        await member_language(interaction)
        app = self.bot.app
        service = app.service(ConsultationService)
        facilitator = is_facilitator(actor_of(interaction), app.guild.current)
        async with app.db.begin() as session:
            info = await service.get(session, consultation)
            if not info.is_open():
                raise InvalidInput(_("Thank you, but this consultation closed on {date}: answers are no longer "
                                     "taken.").format(date=info.closes_at.strftime("%Y-%m-%d %H:%M UTC")))
            try:
                await service.check_audience(session, interaction.user.id, info)
            except NotAllowed:
                if not facilitator:
                    raise
                # facilitators see every consultation; answers come from its audience only
                await reply(interaction, content=_("You see this consultation as a facilitator; answers are taken "
                                                   "from members from {countries}.").format(
                    countries=service.audience_names(info)),
                    embed=consultation_embed(info, (), service.audience_names(info)), ephemeral=True)
                return
            mine = await service.mine(session, consultation, interaction.user.id)
        names = service.audience_names(info)
        await reply(interaction, embed=consultation_embed(info, tuple(mine), names), view=answer_view(info, anonymous),
                    ephemeral=True)


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Plans(bot))
