"""/setup's select menus and buttons: DynamicItem templates (``sse:setup:<what>:<name>``), so they keep
working after a restart. Who may press is decided in bot/guild.py (Manage Server), whatever the menu."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _, use_language
from bot.errors import NotAllowed, NotFound
from bot.guild import ANNOUNCEMENT_KINDS, ARCHIVE_KINDS, FORUM_KINDS, check_channel_kind, require_manager
from bot.ui.common import NO_MENTIONS, DynamicView, actor_of, guarded, reply
from cogs.setup import jobs
from cogs.setup.ui import findings_embed, settings_embed

log = logging.getLogger(__name__)

CHANNEL_SETTINGS = {
    # name: (the menu's placeholder, the setting at the start of a sentence, allowed kinds, Discord's
    # filter, most channels); the words are translated where the menu or the refusal is built
    "announcements": (N_("Choose the announcements channel"), N_("The announcements channel"), ANNOUNCEMENT_KINDS,
                      [discord.ChannelType.text, discord.ChannelType.news], 1),
    "qa_forum": (N_("Choose the Q&A forum"), N_("The Q&A forum"), FORUM_KINDS, [discord.ChannelType.forum], 1),
    "archived": (N_("Choose the archived channels"), N_("The archived channels"), ARCHIVE_KINDS,
                 [discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum], 25),
}
ROLE_SETTINGS = {"facilitators": N_("Facilitator roles (plan sessions, see attendance)"),
                 "helpers": N_("Helper roles (shown unanswered questions)")}


def exists_in(guild: discord.Guild | None) -> Callable[[int], bool]:
    """Whether a stored channel or role id still exists in the server (unknown: assume it does)."""

    def exists(snowflake: int) -> bool:
        return (guild is None or guild.get_channel_or_thread(snowflake) is not None
                or guild.get_role(snowflake) is not None)
    return exists


class ChannelSetting(discord.ui.DynamicItem[discord.ui.ChannelSelect[Any]],
                     template=r"sse:setup:ch:(?P<name>announcements|qa_forum|archived)"):
    def __init__(self, name: str):
        placeholder, _setting, _kinds, types, most = CHANNEL_SETTINGS[name]
        super().__init__(discord.ui.ChannelSelect(
            custom_id=f"sse:setup:ch:{name}", channel_types=types, min_values=0, max_values=most,
            placeholder=_(placeholder)))
        self.name = name

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ChannelSetting:
        return cls(match["name"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def save() -> None:
            _placeholder, setting, kinds, _types, _most = CHANNEL_SETTINGS[self.name]
            require_manager(actor_of(interaction))
            for channel in self.item.values:
                check_channel_kind(_(setting), jobs.kind_of(channel), kinds)
            ids = [c.id for c in self.item.values]
            value: Any = ids if self.name == "archived" else (ids[0] if ids else None)
            await saved(interaction, **{self.name: value if ids else None})

        await guarded(interaction, save)


class RoleSetting(discord.ui.DynamicItem[discord.ui.RoleSelect[Any]],
                  template=r"sse:setup:role:(?P<name>facilitators|helpers)"):
    def __init__(self, name: str):
        super().__init__(discord.ui.RoleSelect(custom_id=f"sse:setup:role:{name}", min_values=0, max_values=10,
                                               placeholder=_(ROLE_SETTINGS[name])))
        self.name = name

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> RoleSetting:
        return cls(match["name"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def save() -> None:
            require_manager(actor_of(interaction))
            ids = [r.id for r in self.item.values]
            await saved(interaction, **{self.name: ids or None})

        await guarded(interaction, save)


class SetupButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:setup:do:(?P<action>archived|forum|check)"):
    LABELS = {"archived": N_("Archived channels…"), "forum": N_("Create the Q&A forum"),
              "check": N_("Check permissions")}

    def __init__(self, action: str):
        super().__init__(discord.ui.Button(label=_(self.LABELS[action]), custom_id=f"sse:setup:do:{action}",
                                           style=discord.ButtonStyle.secondary))
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> SetupButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def act() -> None:
            require_manager(actor_of(interaction))
            if self.action == "check":
                await reply(interaction, embed=findings_embed(await jobs.check_now(interaction.client)), ephemeral=True)
            elif self.action == "archived":
                view = DynamicView()
                view.add_item(ChannelSetting("archived"))
                await reply(interaction, content=_("Messages in these channels are stored for `/search` "
                                                   "(members should know a channel is searchable)."),
                            view=view, ephemeral=True)
            else:
                await create_forum(interaction)

        await guarded(interaction, act)


def panel(has_forum: bool) -> discord.ui.View:
    view = DynamicView()
    for name in ("announcements", "qa_forum"):
        view.add_item(ChannelSetting(name))
    for name in ROLE_SETTINGS:
        view.add_item(RoleSetting(name))
    view.add_item(SetupButton("archived"))
    if not has_forum:
        view.add_item(SetupButton("forum"))
    view.add_item(SetupButton("check"))
    return view


async def saved(interaction: discord.Interaction[SSEBot], **values: Any) -> None:
    """Store, answer with the new values, and check what the bot may do with them (logged too)."""
    app = interaction.client.app
    async with app.db.begin() as session:
        effective = await app.guild.update(session, actor_of(interaction), interaction.guild_id or 0, **values)
    if "timezone" in values:
        interaction.client.reschedule_weekly()
    await jobs.log_problems(interaction.client, "after /setup")
    findings = await jobs.check_now(interaction.client)
    embeds = [settings_embed(effective, exists_in(interaction.guild))]
    if findings is not None and any(not f.ok for f in findings):
        embeds.append(findings_embed(findings))
    await reply(interaction, content=_("Saved."), embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def create_forum(interaction: discord.Interaction[SSEBot]) -> None:
    app = interaction.client.app
    guild = interaction.guild
    if guild is None:
        raise NotFound(_("Run /setup in the server."))
    if app.guild.current.qa_forum and guild.get_channel(app.guild.current.qa_forum) is not None:
        raise NotAllowed(_("There is a Q&A forum already; choose another in the menu to change it."))
    names = list(dict.fromkeys([*app.config.qa.topics, app.config.qa.solved_tag]))[:20]  # a forum holds 20 tags
    try:
        with use_language(app.guild.current.language):  # the forum's topic is read by everyone in the server
            topic = _("Ask the community: use /ask or start a post.")
        forum = await guild.create_forum(name="q-and-a", topic=topic,
                                         available_tags=[discord.ForumTag(name=n) for n in names],
                                         reason=f"/setup by {interaction.user.id}")
    except discord.Forbidden:
        raise NotAllowed(_("I may not create channels here: give my role **Manage Channels**, or create the "
                           "forum yourself and choose it in the menu.")) from None
    await saved(interaction, qa_forum=forum.id)


COMPONENTS = (ChannelSetting, RoleSetting, SetupButton)
