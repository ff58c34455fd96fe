"""The consultation forms: the facilitator's form that opens a consultation, and the one form per
question members answer in. Buttons are ``DynamicItem`` templates, so they work after a restart;
a form's custom id is unique per invocation. What was typed into a form that was refused is kept
(a saved query) and the reply's button opens the form again, filled in: nothing typed is lost."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _
from bot.errors import InvalidInput
from bot.text import truncate
from bot.ui.common import FORM_TIMEOUT, DynamicView, actor_of, error_embed, form_id, guarded, reply
from cogs.plans.consultations import MAX_ANSWER, MAX_LINK, MAX_SUMMARY, MAX_TITLE, ConsultationService
from cogs.plans.ui import consultation_embed
from db.queries import load_query, save_query

TYPED = "plans-typed"  # the saved-query kind of a refused form's text
MAX_INPUT = 4000  # a form field's most (Discord)


def _clip(text: str | None) -> str | None:
    return (text or "")[:MAX_INPUT] or None


async def _keep(interaction: discord.Interaction[SSEBot], params: dict[str, Any]) -> int:
    async with interaction.client.app.db.begin() as session:
        return await save_query(session, TYPED, params, interaction.user.id)


# ------------------------------------------------------------------ the facilitator's form
class ConsultModal(discord.ui.Modal):
    title_input: discord.ui.TextInput[ConsultModal] = discord.ui.TextInput(
        label=N_("Title"), max_length=MAX_TITLE, custom_id="sse:plans:consult:title")
    summary: discord.ui.TextInput[ConsultModal] = discord.ui.TextInput(
        label=N_("Summary of the draft"), style=discord.TextStyle.paragraph, max_length=MAX_SUMMARY,
        custom_id="sse:plans:consult:summary")
    link: discord.ui.TextInput[ConsultModal] = discord.ui.TextInput(
        label=N_("Link to the draft (optional)"), required=False, max_length=MAX_LINK,
        custom_id="sse:plans:consult:link")
    questions: discord.ui.TextInput[ConsultModal] = discord.ui.TextInput(
        label=N_("Questions: one per line, at most 5"), style=discord.TextStyle.paragraph, max_length=1600,
        custom_id="sse:plans:consult:questions")

    def __init__(self, opened_by: discord.Interaction[SSEBot], options: dict[str, Any], typed: dict[str, Any] | None = None):
        super().__init__(title=_("Open a consultation"), custom_id=form_id("sse:plans:consult", opened_by),
                         timeout=FORM_TIMEOUT)
        self.options = options
        typed = typed or {}
        for field, key in ((self.title_input, "title"), (self.summary, "summary"), (self.link, "link"),
                           (self.questions, "questions")):
            field.label = _(str(field.label))
            value = _clip(typed.get(key))
            if value and field.max_length and len(value) > field.max_length:
                field.max_length = MAX_INPUT  # what they typed before, whole, so they can shorten it
            field.default = value

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        typed = {"title": self.title_input.value, "summary": self.summary.value, "link": self.link.value,
                 "questions": self.questions.value}
        await guarded(interaction, lambda: open_consultation(interaction, self.options, typed))


async def open_consultation(interaction: discord.Interaction[SSEBot], options: dict[str, Any], typed: dict[str, Any]) -> None:
    app = interaction.client.app
    service = app.service(ConsultationService)
    try:
        draft = service.check_draft(**typed, countries=options.get("countries"), closes=options.get("closes"))
        async with app.db.begin() as session:
            earlier = await service.same_open(session, actor_of(interaction), draft)
            info = earlier or await service.open(session, actor_of(interaction), draft)
    except InvalidInput as problem:
        held = await _keep(interaction, {"form": "consult", "options": options, "typed": typed})
        view = DynamicView()
        view.add_item(EditTypedButton(held))
        await reply(interaction, embed=error_embed(problem), view=view, ephemeral=True)
        return
    names = service.audience_names(info)
    if earlier is not None:
        await reply(interaction, content=_("You opened this consultation already (#{id}); it is stored once and "
                                           "still open.").format(id=info.id),
                    embed=consultation_embed(info, countries=names), ephemeral=True)
        return
    await reply(interaction, content=_("Consultation #{id} is open. Members answer with /consult answer consultation:{id}; "
                                       "you get a summary when it closes.").format(id=info.id),
                embed=consultation_embed(info, countries=names), ephemeral=True)


# ------------------------------------------------------------------ members' answers
def answer_view(info: Any, anonymous: bool) -> discord.ui.View:
    view = DynamicView()
    for q in info.questions:
        view.add_item(AnswerButton(info.id, q.id, q.position, anonymous))
    return view


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"sse:plans:answer:(?P<c>\d+):(?P<q>\d+):(?P<n>\d):(?P<anon>[01])"):
    """Opens the form for one question, filled in with the presser's own earlier answer."""

    def __init__(self, consultation_id: int, question_id: int, number: int, anonymous: bool):
        super().__init__(discord.ui.Button(
            label=_("Answer question {number}").format(number=number), style=discord.ButtonStyle.primary,
            custom_id=f"sse:plans:answer:{consultation_id}:{question_id}:{number}:{int(anonymous)}"))
        self.consultation_id, self.question_id, self.number, self.anonymous = consultation_id, question_id, number, anonymous

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        return cls(int(match["c"]), int(match["q"]), int(match["n"]), match["anon"] == "1")

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def open_form() -> None:
            await open_answer_form(interaction, self.consultation_id, self.question_id, self.anonymous)

        await guarded(interaction, open_form)


async def open_answer_form(interaction: discord.Interaction[SSEBot], consultation_id: int, question_id: int,
                           anonymous: bool, typed: str | None = None) -> None:
    app = interaction.client.app
    service = app.service(ConsultationService)
    async with app.db.begin() as session:
        info = await service.get(session, consultation_id)
        question = info.question(question_id)
        if not info.is_open():
            raise InvalidInput(_("Thank you, but this consultation closed on {date}: answers are no longer taken.").format(
                date=info.closes_at.strftime("%Y-%m-%d %H:%M UTC")))
        await service.check_audience(session, interaction.user.id, info)  # before any typing, not after
        mine = await service.mine(session, consultation_id, interaction.user.id)
    earlier = mine.get(question_id, (None, False))[0]
    await interaction.response.send_modal(AnswerModal(interaction, info.id, question.id, question.position,
                                                      question.text, anonymous, typed if typed is not None else earlier))


class AnswerModal(discord.ui.Modal):
    answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label=N_("Your answer"), style=discord.TextStyle.paragraph, max_length=MAX_ANSWER,
        custom_id="sse:plans:answer:text")

    def __init__(self, opened_by: discord.Interaction[SSEBot], consultation_id: int, question_id: int, number: int,
                 question: str, anonymous: bool, earlier: str | None):
        super().__init__(title=truncate(_("Question {number}").format(number=number), 45),
                         custom_id=form_id("sse:plans:answer", opened_by), timeout=FORM_TIMEOUT)
        self.consultation_id, self.question_id, self.anonymous = consultation_id, question_id, anonymous
        self.answer.label = truncate(question, 45)
        self.answer.placeholder = truncate(question, 100)
        value = _clip(earlier)
        if value and len(value) > MAX_ANSWER:
            self.answer.max_length = MAX_INPUT
        self.answer.default = value

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: save_answer(interaction, self.consultation_id, self.question_id,
                                                       self.answer.value, self.anonymous))


async def save_answer(interaction: discord.Interaction[SSEBot], consultation_id: int, question_id: int, text: str,
                      anonymous: bool) -> None:
    app = interaction.client.app
    try:
        async with app.db.begin() as session:
            done = await app.service(ConsultationService).answer(session, interaction.user.id, consultation_id,
                                                                  question_id, text, anonymous=anonymous)
    except InvalidInput as problem:
        held = await _keep(interaction, {"form": "answer", "consultation": consultation_id, "question": question_id,
                                         "anonymous": anonymous, "typed": _clip(text)})
        view = DynamicView()
        view.add_item(EditTypedButton(held))
        await reply(interaction, embed=error_embed(problem), view=view, ephemeral=True)
        return
    n = done.question.position
    if done.created:
        text_out = (_("Thank you: your answer to question {number} is saved, anonymous to other members.") if anonymous
                    else _("Thank you: your answer to question {number} is saved."))
    else:
        text_out = _("Your answer to question {number} is updated (you can change it until the consultation closes).")
    await reply(interaction, content=text_out.format(number=n), ephemeral=True)


class EditTypedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:plans:typed:(?P<held>\d+)"):
    """Opens a refused form again, filled in with what was typed."""

    def __init__(self, held_id: int):
        super().__init__(discord.ui.Button(label=_("Edit what I typed"), style=discord.ButtonStyle.primary,
                                           custom_id=f"sse:plans:typed:{held_id}"))
        self.held_id = held_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> EditTypedButton:
        return cls(int(match["held"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def edit() -> None:
            async with interaction.client.app.db.begin() as session:
                stored = await load_query(session, self.held_id, interaction.user.id)
            p = stored.params
            if p["form"] == "consult":
                await interaction.response.send_modal(ConsultModal(interaction, p["options"], p["typed"]))
            else:
                await open_answer_form(interaction, p["consultation"], p["question"], p["anonymous"], p["typed"])

        await guarded(interaction, edit)


COMPONENTS = (AnswerButton, EditTypedButton)
