"""The /ask form, its "Post anyway", "Edit my question" and "Use <suggestion>" buttons, and
posting a question in the forum.

As everywhere: the form is a class whose ``on_submit`` calls the services through
``interaction.client.app``, with a custom id unique to the interaction that opened it; the buttons
are ``DynamicItem`` templates, and a draft can be used only by the member who saved it."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _, use_language
from bot.errors import InvalidInput, NotFound
from bot.text import truncate
from bot.ui.common import (
    FORM_TIMEOUT,
    NO_MENTIONS,
    DynamicView,
    error_embed,
    form_id,
    guarded,
    reply,
    with_note,
)
from cogs.qa.service import (
    MAX_BODY,
    MAX_TITLE,
    MAX_TYPED_CHOICE,
    HeldQuestion,
    QuestionDraft,
    QuestionService,
    TypedQuestion,
)
from cogs.qa.ui import similar_embed, starter_content

log = logging.getLogger(__name__)


class AskModal(discord.ui.Modal):
    # labels and placeholders are marked here and translated per form, in the opener's language
    title_input: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label=N_("Title"), placeholder=N_("One line: what do you want to know?"), max_length=MAX_TITLE,
        custom_id="sse:qa:ask:title",
    )
    body: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label=N_("Question"), style=discord.TextStyle.paragraph, max_length=MAX_BODY,
        placeholder=N_("Context helps: your country, your organisation, what you tried."), custom_id="sse:qa:ask:body",
    )
    country: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label=N_("Country"), required=False, max_length=MAX_TYPED_CHOICE, custom_id="sse:qa:ask:country",
        placeholder=N_("In any language, e.g. Lao PDR, ລາວ, Việt Nam, 한국, Кыргызстан"),
    )
    topic: discord.ui.TextInput[AskModal] = discord.ui.TextInput(
        label=N_("Topic"), required=False, max_length=MAX_TYPED_CHOICE, custom_id="sse:qa:ask:topic",
    )

    def __init__(self, opened_by: discord.Interaction[SSEBot], held: HeldQuestion | None = None):
        """``held``: the form as the member typed it before, put back for them to edit."""
        super().__init__(title=_("Ask the community"), custom_id=form_id("sse:qa:ask", opened_by),
                         timeout=FORM_TIMEOUT)
        for field in (self.title_input, self.body, self.country, self.topic):  # this form's own copies
            if field.label:
                field.label = _(field.label)
            if field.placeholder:
                field.placeholder = _(field.placeholder)
        self.held_id = held.id if held else None
        qa = opened_by.client.app.config.qa
        if qa.topics:
            self.topic.placeholder = truncate(", ".join(qa.topics), 100)
        if held is not None:
            typed = held.typed
            self.title_input.default, self.body.default = typed.title or None, typed.body or None
            self.country.default, self.topic.default = typed.country or None, typed.topic or None

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        typed = TypedQuestion(self.title_input.value, self.body.value, self.country.value, self.topic.value)
        await guarded(interaction, lambda: ask(interaction, typed, self.held_id))


async def ask(interaction: discord.Interaction[SSEBot], typed: TypedQuestion, held_id: int | None = None) -> None:
    """Check what was typed, then post it, or first show similar questions. When something needs
    fixing, what was typed is kept (``held_id`` replaces an earlier copy) and the reply offers to
    edit it or to use a suggested value: a form cannot be sent in reply to a form."""
    app = interaction.client.app
    questions = app.service(QuestionService)
    try:
        draft = questions.validate_draft(typed.title, typed.body, typed.country, typed.topic)
    except InvalidInput as problem:
        async with app.db.begin() as session:
            held = await questions.hold(session, typed, interaction.user.id, problem, replacing=held_id)
        await reply(interaction, embed=error_embed(problem), view=fix_view(held), ephemeral=True)
        return
    forum_of(interaction.client)  # a clear answer now if the forum is not set up, before the member waits
    async with app.db.begin() as session:
        similar = await questions.similar_questions(session, draft)
        if similar:
            draft_id = await questions.save_draft(session, draft, interaction.user.id)
        if held_id is not None:
            await questions.drop_typed(session, held_id, interaction.user.id)
    if similar:
        await reply(interaction, embed=similar_embed(draft, similar), view=post_anyway_view(draft_id), ephemeral=True)
        return
    await post_question(interaction, draft)


class EditQuestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:qa:edit:(?P<held>\d+)"):
    """Opens the /ask form again, filled in with what the member typed."""

    def __init__(self, held_id: int):
        super().__init__(discord.ui.Button(label=_("Edit my question"), style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:qa:edit:{held_id}"))
        self.held_id = held_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EditQuestionButton:
        return cls(int(match["held"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def edit() -> None:
            app = interaction.client.app
            async with app.db.begin() as session:
                held = await app.service(QuestionService).held(session, self.held_id, interaction.user.id)
            await interaction.response.send_modal(AskModal(interaction, held))

        await guarded(interaction, edit)


class UseSuggestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                          template=r"sse:qa:use:(?P<held>\d+):(?P<pick>\d)"):
    """Posts what the member typed with the suggested country (or topic) instead of theirs."""

    def __init__(self, held_id: int, pick: int, label: str = "Use this"):
        super().__init__(discord.ui.Button(label=truncate(label, 80), style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:qa:use:{held_id}:{pick}"))
        self.held_id, self.pick = held_id, pick

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UseSuggestionButton:
        return cls(int(match["held"]), int(match["pick"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def use() -> None:
            app = interaction.client.app
            async with app.db.begin() as session:  # a refusal below rolls the taking back
                held = await app.service(QuestionService).take_typed(session, self.held_id, interaction.user.id)
                if held.field is None or self.pick >= len(held.suggestions):  # a forged button
                    raise NotFound(_("That suggestion is not there. Press “Edit my question” instead."))
            await ask(interaction, held.typed.with_value(held.field, held.suggestions[self.pick]))

        await guarded(interaction, use)


def fix_view(held: HeldQuestion) -> discord.ui.View:
    view = DynamicView()
    for i, suggestion in enumerate(held.suggestions[:3]):
        view.add_item(UseSuggestionButton(held.id, i, _("Use {choice}").format(choice=suggestion)))
    view.add_item(EditQuestionButton(held.id))
    return view


class PostAnywayButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:qa:post:(?P<draft>\d+)"):
    """Posts a saved draft after the asker has seen the similar questions."""

    def __init__(self, draft_id: int):
        super().__init__(discord.ui.Button(label=_("Post anyway"), style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:qa:post:{draft_id}"))
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PostAnywayButton:
        return cls(int(match["draft"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.post(interaction))

    async def post(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        async with app.db.begin() as session:
            # refused (NotAllowed) unless the member pressing is the one who saved the draft
            draft = await app.service(QuestionService).take_draft(session, self.draft_id, interaction.user.id)
        await post_question(interaction, draft)


def post_anyway_view(draft_id: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(PostAnywayButton(draft_id))
    return view


COMPONENTS = (PostAnywayButton, EditQuestionButton, UseSuggestionButton)


def forum_of(bot: SSEBot) -> discord.ForumChannel:
    forum_id = bot.app.guild.current.qa_forum
    forum = bot.get_channel(forum_id) if forum_id else None
    if not isinstance(forum, discord.ForumChannel):
        raise NotFound(_("The Q&A forum is not set up yet. Please ask a server manager to choose it with /setup."))
    return forum


async def forum_tags(forum: discord.ForumChannel, names: list[str]) -> list[discord.ForumTag]:
    """The forum's tags with these names, creating missing ones when the bot may."""
    tags = []
    by_name = {t.name.casefold(): t for t in forum.available_tags}
    for name in names:
        tag = by_name.get(name.casefold())
        if tag is None:
            try:
                tag = await forum.create_tag(name=name, reason="Q&A tag")
            except discord.HTTPException as exc:
                # the post goes out without this tag; Discord's own words say what to fix
                log.warning("could not create forum tag %r in forum %s (HTTP %s: %s); the bot needs Manage Channels "
                            "there", name, forum.id, exc.status, exc.text or exc)
                continue
        tags.append(tag)
    return tags[:5]


async def post_question(interaction: discord.Interaction[SSEBot], draft: QuestionDraft) -> None:
    app = interaction.client.app
    forum = forum_of(interaction.client)
    await interaction.response.defer(ephemeral=True, thinking=True)
    tags = await forum_tags(forum, [n for n in (draft.country, draft.topic) if n])
    with use_language(app.guild.current.language):  # the post is read by the whole community
        content = starter_content(draft, interaction.user.id)
    created = await forum.create_thread(
        name=draft.title, content=content, applied_tags=tags,
        allowed_mentions=NO_MENTIONS, reason=f"/ask by {interaction.user.id}",
    )
    thread = created.thread
    async with app.db.begin() as session:
        await app.service(QuestionService).record_question(
            session, thread_id=thread.id, forum_id=forum.id, guild_id=forum.guild.id, author_id=interaction.user.id,
            title=draft.title, body=draft.body, country=draft.country, topic=draft.topic,
            created_at=created.message.created_at, starter_message_id=created.message.id,
        )
    await interaction.followup.send(with_note(_("Your question is posted: {link}").format(link=thread.jump_url)),
                                    ephemeral=True)
