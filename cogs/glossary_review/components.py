"""The suggestion form, and the review queue's buttons (``DynamicItem`` templates, so a queue shown
before a restart still works after it). Ids carry only the suggestion (and the queue's language);
who may decide, and whether the suggestion still waits, is the service's to say."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import _, draft_note
from bot.ui.common import FORM_TIMEOUT, NO_MENTIONS, DynamicView, actor_of, form_id, guarded, reply
from cogs.glossary_review.service import NOTE_MAX, QueueItem, ReviewService, Target
from cogs.glossary_review.ui import (
    APPROVE,
    EDIT,
    NOTE_LABEL,
    REJECT,
    decided_notice,
    empty_text,
    form_title,
    queue_embed,
    submitted_text,
    text_label,
)

PARAGRAPH_FIELDS = ("short", "explanation")


class SuggestForm(discord.ui.Modal):
    """Prefilled with what the glossary says now in that language, so a member edits rather than retypes."""

    def __init__(self, target: Target, opened_by: discord.Interaction[Any]):
        super().__init__(title=form_title(target), custom_id=form_id("sse:glossary_review:suggest", opened_by),
                         timeout=FORM_TIMEOUT)
        self.target = target
        style = discord.TextStyle.paragraph if target.field in PARAGRAPH_FIELDS else discord.TextStyle.short
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=text_label(target), style=style, default=target.current, max_length=target.limit,
            placeholder=None if target.current else target.english[:100] or None)
        self.note: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=_(NOTE_LABEL)[:45], style=discord.TextStyle.paragraph, required=False, max_length=NOTE_MAX)
        self.add_item(self.text)
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.store(interaction))

    async def store(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        t = self.target
        async with app.db.begin_write() as session:
            result = await app.service(ReviewService).suggest(session, interaction.user.id, t.term_id, t.language,
                                                              t.field, self.text.value, self.note.value)
        await reply(interaction, content=submitted_text(result), ephemeral=True)


def queue_view(item: QueueItem, language: str | None) -> discord.ui.View:
    view = DynamicView()
    for action in ("approve", "edit", "reject"):
        view.add_item(ReviewButton(action, item.suggestion.id, language))
    return view


async def queue_reply(interaction: discord.Interaction[SSEBot], language: str | None, notice: str | None = None, *,
                      edit: bool = False) -> None:
    """The next suggestion waiting (or that none is), under ``notice``: as a new private reply, or in
    place of the queue message the facilitator pressed a button on (``edit``)."""
    app = interaction.client.app
    async with app.db.begin() as session:
        item = await app.service(ReviewService).next_pending(session, actor_of(interaction), language)
    lines = [notice] if notice else []
    if item is None:
        lines.append(empty_text(language))
    kwargs: dict[str, Any] = {"embed": queue_embed(item) if item else None,
                              "view": queue_view(item, language) if item else None}
    if edit:
        note = draft_note()
        content = "\n".join([*lines, *([note] if note else [])])
        await interaction.response.edit_message(content=content or None, allowed_mentions=NO_MENTIONS, **kwargs)
        return
    await reply(interaction, content="\n".join(lines) or None, ephemeral=True,
                **{k: v for k, v in kwargs.items() if v is not None})


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"sse:glossary_review:(?P<action>approve|edit|reject):(?P<id>\d+)(?::(?P<lang>[a-z]{2,3}))?"):
    def __init__(self, action: str, suggestion_id: int, language: str | None = None):
        label = {"approve": APPROVE, "edit": EDIT, "reject": REJECT}[action]
        style = {"approve": discord.ButtonStyle.success, "edit": discord.ButtonStyle.secondary,
                 "reject": discord.ButtonStyle.danger}[action]
        custom_id = f"sse:glossary_review:{action}:{suggestion_id}" + (f":{language}" if language else "")
        super().__init__(discord.ui.Button(label=_(label), style=style, custom_id=custom_id))
        self.action, self.suggestion_id, self.language = action, suggestion_id, language

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ReviewButton:
        return cls(match["action"], int(match["id"]), match["lang"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.decide(interaction))

    async def decide(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        review = app.service(ReviewService)
        actor = actor_of(interaction)
        if self.action == "edit":
            async with app.db.begin() as session:
                item = await review.pending(session, actor, self.suggestion_id)  # still waiting, and a facilitator
            await interaction.response.send_modal(EditForm(item, self.language, interaction))
            return
        async with app.db.begin_write() as session:
            if self.action == "approve":
                decision = await review.approve(session, actor, self.suggestion_id)
            else:
                decision = await review.reject(session, actor, self.suggestion_id)
        await review.refresh()  # this instance shows it at once; the others at their next answer
        if decision.suggestion.status == "approved":
            interaction.client.delivery.kick()  # the author's thank-you DM
        await queue_reply(interaction, self.language, decided_notice(decision), edit=True)


class EditForm(discord.ui.Modal):
    """The proposal, for the facilitator to correct before approving it."""

    def __init__(self, item: QueueItem, language: str | None, opened_by: discord.Interaction[Any]):
        super().__init__(title=_("Edit, then approve")[:45], timeout=FORM_TIMEOUT,
                         custom_id=form_id(f"sse:glossary_review:edit-form:{item.suggestion.id}", opened_by))
        self.suggestion_id, self.language = item.suggestion.id, language
        style = discord.TextStyle.paragraph if item.target.field in PARAGRAPH_FIELDS else discord.TextStyle.short
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=text_label(item.target), style=style, default=item.suggestion.text, max_length=item.target.limit)
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.approve(interaction))

    async def approve(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        review = app.service(ReviewService)
        async with app.db.begin_write() as session:
            decision = await review.approve(session, actor_of(interaction), self.suggestion_id, self.text.value)
        await review.refresh()
        interaction.client.delivery.kick()
        await queue_reply(interaction, self.language, decided_notice(decision))


COMPONENTS = (ReviewButton,)
