"""The profile form and the components under a profile: topic and language menus, the "happy to
be asked" switch, "Edit my profile" after a problem, and the page buttons of /members.
``DynamicItem`` templates, so they keep working after a restart; each carries the owner's id and
only the owner may use it."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _, format_number, language_name
from bot.errors import InvalidInput, NotAllowed
from bot.i18n import LANGUAGES
from bot.text import truncate
from bot.ui.common import FORM_TIMEOUT, DynamicView, error_embed, form_id, guarded, reply
from cogs.profiles.models import ORG_TYPES
from cogs.profiles.service import MAX_BIO, MAX_ORG_NAME, DirectoryFilters, Profile, ProfileService
from cogs.profiles.ui import directory_embed, profile_embed
from db.models import SavedQuery
from db.queries import load_query, save_query

TYPED_KIND = "profile-typed"  # the form as typed, kept after a problem so nothing is lost
MAX_INPUT = 4000  # a form field's most (Discord)


def _mine(interaction: discord.Interaction[Any], owner_id: int) -> None:
    if interaction.user.id != owner_id:
        raise NotAllowed(_("Only the member whose profile this is can change it. Use /profile set for your own."))


class ProfileModal(discord.ui.Modal):
    """Organisation name and bio; the country, organisation type and "happy to be asked" came with
    the command's options (checked before the form opened)."""

    org_name: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
        label=N_("Organisation name (optional)"), required=False, max_length=MAX_ORG_NAME,
        custom_id="sse:profiles:form:org")
    bio: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
        label=N_("Short bio (optional)"), style=discord.TextStyle.paragraph, required=False, max_length=MAX_BIO,
        placeholder=N_("What you work on, what you can help with (up to 300 characters)"),
        custom_id="sse:profiles:form:bio")

    def __init__(self, opened_by: discord.Interaction[SSEBot], choices: dict[str, Any], *, org_name: str | None,
                 bio: str | None, typed_id: int | None = None):
        super().__init__(title=_("Your member profile"), custom_id=form_id("sse:profiles:form", opened_by),
                         timeout=FORM_TIMEOUT)
        for field in (self.org_name, self.bio):
            field.label = _(str(field.label))
            if field.placeholder:
                field.placeholder = _(field.placeholder)
        self.choices, self.typed_id = choices, typed_id
        self.org_name.default = (org_name or "")[:MAX_ORG_NAME] or None
        if bio and len(bio) > MAX_BIO:
            # what they typed before, too long, put back whole so they can shorten it
            self.bio.max_length = min(MAX_INPUT, len(bio))
        self.bio.default = (bio or "")[:MAX_INPUT] or None

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        typed = {**self.choices, "org_name": self.org_name.value, "bio": self.bio.value}
        await guarded(interaction, lambda: save_form(interaction, typed, self.typed_id))


async def save_form(interaction: discord.Interaction[SSEBot], typed: dict[str, Any], typed_id: int | None) -> None:
    """Store the profile, or keep what was typed and say what to fix (a form cannot answer a form,
    so the reply's button opens it again, filled in)."""
    app = interaction.client.app
    profiles = app.service(ProfileService)
    user_id = interaction.user.id
    try:
        form = profiles.check_form(country=typed["country"], org_type=typed["org_type"], org_name=typed["org_name"],
                                   bio=typed["bio"], happy_to_be_asked=typed["happy"])
    except InvalidInput as problem:
        async with app.db.begin() as session:
            await _drop_typed(session, user_id)
            kept = {**typed, "org_name": (typed["org_name"] or "")[:MAX_INPUT], "bio": (typed["bio"] or "")[:MAX_INPUT]}
            held = await save_query(session, TYPED_KIND, kept, user_id)
        view = DynamicView()
        view.add_item(EditProfileButton(held))
        await reply(interaction, embed=error_embed(problem), view=view, ephemeral=True)
        return
    async with app.db.begin() as session:
        profile = await profiles.save(session, user_id, form)
        await _drop_typed(session, user_id)
    await reply(interaction, content=_("Saved. Choose your topics and languages below; they are saved as you pick."),
                embed=profile_embed(profile, own=True), view=profile_view(interaction.client, profile), ephemeral=True)


async def _drop_typed(session: Any, user_id: int) -> None:
    from sqlalchemy import delete

    await session.execute(delete(SavedQuery).where(SavedQuery.kind == TYPED_KIND, SavedQuery.owner_id == user_id))


def profile_view(bot: SSEBot, profile: Profile) -> discord.ui.View:
    view = DynamicView()
    topics = bot.app.service(ProfileService).topics
    if topics:
        view.add_item(TopicsSelect(profile.user_id, topics, profile.topics))
    view.add_item(LanguagesSelect(profile.user_id, profile.languages))
    view.add_item(HappyButton(profile.user_id, profile.happy_to_be_asked))
    return view


async def _show(interaction: discord.Interaction[SSEBot], profile: Profile) -> None:
    await interaction.response.edit_message(embed=profile_embed(profile, own=True),
                                            view=profile_view(interaction.client, profile))


class TopicsSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"sse:profiles:topics:(?P<user>\d+)"):
    def __init__(self, user_id: int, topics: list[str] | None = None, chosen: tuple[str, ...] = ()):
        topics = (topics or [])[:25]
        options = [discord.SelectOption(label=truncate(t, 100), value=t[:100], default=t in chosen) for t in topics]
        super().__init__(discord.ui.Select(
            custom_id=f"sse:profiles:topics:{user_id}", placeholder=_("Topics you know about"), min_values=0,
            max_values=max(1, len(options)), options=options or [discord.SelectOption(label="-", value="-")]))
        self.user_id = user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TopicsSelect:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def pick() -> None:
            _mine(interaction, self.user_id)
            app = interaction.client.app
            async with app.db.begin() as session:
                profile = await app.service(ProfileService).set_topics(session, self.user_id, self.item.values)
            await _show(interaction, profile)

        await guarded(interaction, pick)


class LanguagesSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"sse:profiles:languages:(?P<user>\d+)"):
    def __init__(self, user_id: int, chosen: tuple[str, ...] = ()):
        options = [discord.SelectOption(label=truncate(language_name(code), 100), value=code,
                                        description=truncate(lang.native, 100) if lang.native != language_name(code) else None,
                                        default=code in chosen)
                   for code, lang in LANGUAGES.items()][:25]
        super().__init__(discord.ui.Select(
            custom_id=f"sse:profiles:languages:{user_id}", placeholder=_("Languages you speak"), min_values=0,
            max_values=len(options), options=options))
        self.user_id = user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> LanguagesSelect:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def pick() -> None:
            _mine(interaction, self.user_id)
            app = interaction.client.app
            async with app.db.begin() as session:
                profile = await app.service(ProfileService).set_languages(session, self.user_id, self.item.values)
            await _show(interaction, profile)

        await guarded(interaction, pick)


class HappyButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=r"sse:profiles:happy:(?P<user>\d+):(?P<on>[01])"):
    """Switches "happy to be asked about my topics"; the id carries the value it sets."""

    def __init__(self, user_id: int, happy: bool):
        label = _("Stop notes about questions") if happy else _("I'm happy to be asked about my topics")
        super().__init__(discord.ui.Button(
            label=label, style=discord.ButtonStyle.secondary if happy else discord.ButtonStyle.success,
            custom_id=f"sse:profiles:happy:{user_id}:{0 if happy else 1}"))
        self.user_id, self.sets = user_id, not happy

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> HappyButton:
        return cls(int(match["user"]), match["on"] == "0")

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def switch() -> None:
            _mine(interaction, self.user_id)
            app = interaction.client.app
            async with app.db.begin() as session:
                profile = await app.service(ProfileService).set_happy(session, self.user_id, self.sets)
            await _show(interaction, profile)

        await guarded(interaction, switch)


class EditProfileButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:profiles:edit:(?P<held>\d+)"):
    """Opens the profile form again, filled in with what the member typed."""

    def __init__(self, held_id: int):
        super().__init__(discord.ui.Button(label=_("Edit my profile"), style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:profiles:edit:{held_id}"))
        self.held_id = held_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> EditProfileButton:
        return cls(int(match["held"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def edit() -> None:
            async with interaction.client.app.db.begin() as session:
                stored = await load_query(session, self.held_id, interaction.user.id)
            typed = dict(stored.params)
            choices = {k: typed[k] for k in ("country", "org_type", "happy")}
            await interaction.response.send_modal(ProfileModal(
                interaction, choices, org_name=typed.get("org_name"), bio=typed.get("bio"), typed_id=self.held_id))

        await guarded(interaction, edit)


# ---------------------------------------------------------------------- /members pages
# The page buttons carry the whole query (owner, page, filters) in their custom id, so showing the
# directory writes nothing to the database and its pages never expire: a topic and an organisation
# type by their place in the lists (config.yaml's Q&A topics, ORG_TYPES), a country and a language by
# their codes. Anyone forging one sees only what /members shows them anyway; turning another
# member's pages is refused as for every pager.
def _filters_key(filters: DirectoryFilters, topics: list[str]) -> str:
    topic = str(topics.index(filters.topic)) if filters.topic in topics else ""
    org = str(ORG_TYPES.index(filters.org_type)) if filters.org_type in ORG_TYPES else ""
    return ".".join((filters.country or "", topic, filters.language or "", org))


def _filters_of(key: str, topics: list[str]) -> DirectoryFilters:
    country, topic, language, org = [*key.split("."), "", "", "", ""][:4]

    def pick(options: list[str] | tuple[str, ...], index: str) -> str | None:
        return options[int(index)] if index.isdigit() and int(index) < len(options) else None

    return DirectoryFilters(country or None, pick(topics, topic), language or None, pick(ORG_TYPES, org))


class MembersPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                        template=r"sse:members:(?P<owner>\d+):(?P<page>\d+):(?P<f>[A-Za-z0-9.]*)"):
    def __init__(self, owner_id: int, page: int, filters_key: str, label: str = "Page", disabled: bool = False):
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"sse:members:{owner_id}:{max(page, 0)}:{filters_key}"))
        self.owner_id, self.page, self.filters_key = owner_id, page, filters_key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> MembersPageButton:
        return cls(int(match["owner"]), int(match["page"]), match["f"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def turn() -> None:
            if interaction.user.id != self.owner_id:
                raise NotAllowed(_("Only the person who ran this search can turn its pages. Run the command "
                                   "yourself to browse."))
            profiles = interaction.client.app.service(ProfileService)
            filters = _filters_of(self.filters_key, profiles.topics)
            async with interaction.client.app.db.begin() as session:
                result = await profiles.directory(session, filters, self.page)
            await interaction.response.edit_message(embed=directory_embed(result), view=members_view(
                self.owner_id, filters, result.page, result.pages, profiles.topics))

        await guarded(interaction, turn)


def members_view(owner_id: int, filters: DirectoryFilters, page: int, pages: int,
                 topics: list[str]) -> discord.ui.View | None:
    """◀ page / pages ▶ under a /members page (none when everything fits on one), in the current language."""
    if pages <= 1:
        return None
    key = _filters_key(filters, topics)
    view = DynamicView()
    view.add_item(MembersPageButton(owner_id, page - 1, key, _("◀ Previous"), disabled=page <= 1))
    view.add_item(discord.ui.Button(label=f"{format_number(page)} / {format_number(pages)}", disabled=True,
                                    custom_id="sse:members:label"))
    view.add_item(MembersPageButton(owner_id, page + 1, key, _("Next ▶"), disabled=page >= pages))
    return view


COMPONENTS = (TopicsSelect, LanguagesSelect, HappyButton, EditProfileButton, MembersPageButton)
