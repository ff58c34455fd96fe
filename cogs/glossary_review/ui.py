"""Rendering of glossary suggestions: the thanks a member reads, and the review queue a facilitator
works through, one suggestion at a time, with today's text beside the proposed one.

Members' words are echoed inert (``safe_echo``: no markdown, no mentions); every reply is sent
with no mention allowed, so nobody is pinged."""

from __future__ import annotations

import discord

from bot.catalogues import N_, _, language_name, ngettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.glossary.service import display_name
from cogs.glossary_review.models import APPROVED
from cogs.glossary_review.service import Decision, QueueItem, Submitted, SuggestionInfo, Target

# Whole sentences per field, so each language can word them its own way.
FORM_TITLES = {"name": N_("Suggest a better name"), "short": N_("Suggest a better definition"),
               "explanation": N_("Suggest a better explanation"), "gloss": N_("Suggest a better gloss")}
TEXT_LABELS = {"name": N_("Name in {language}"), "short": N_("Definition in {language}"),
               "explanation": N_("Explanation in {language}"), "gloss": N_("Gloss in {language}")}
WHAT = {"name": N_("the {language} name of {term}"), "short": N_("the {language} definition of {term}"),
        "explanation": N_("the {language} explanation of {term}"), "gloss": N_("the {language} gloss of {term}")}
NOTE_LABEL = N_("Note or source for reviewers (optional)")
APPROVE, EDIT, REJECT = N_("Approve"), N_("Edit, then approve"), N_("Reject")
TEXT_SHOWN = 1800  # each of the two texts in the queue's description (4,096 in all)


def form_title(target: Target) -> str:
    return truncate(_(FORM_TITLES[target.field]), 45)


def text_label(target: Target) -> str:
    return truncate(_(TEXT_LABELS[target.field]).format(language=language_name(target.language)), 45)


def what(target: Target) -> str:
    """"the Thai definition of **Cooperative**": which text a suggestion is about."""
    term = "**" + safe_echo(display_name(target.term, target.local_name), 120) + "**"
    return _(WHAT[target.field]).format(language=language_name(target.language), term=term)


def waiting_text(count: int) -> str:
    return ngettext("{count} suggestion is waiting for review.", "{count} suggestions are waiting for review.",
                    count).format(count=count)


def submitted_text(result: Submitted) -> str:
    if not result.created:
        return _("You already suggested this for {what} (#{id}); it is waiting for review.").format(
            what=what(result.target), id=result.suggestion.id)
    return "\n".join([
        _("Thank you! Your suggestion #{id} for {what} is in the review queue. A facilitator will approve, edit "
          "or reject it; once approved, /define shows it to everyone.").format(id=result.suggestion.id,
                                                                              what=what(result.target)),
        waiting_text(result.waiting)])


def _author(s: SuggestionInfo) -> str:
    return f"<@{s.author_id}>" if s.author_id else _("a member who has since asked to be forgotten")


def queue_embed(item: QueueItem) -> discord.Embed:
    s, target = item.suggestion, item.target
    now = safe_echo(target.current, TEXT_SHOWN, multiline=True) if target.current else _(
        "(nothing yet; in English: {english})").format(english=safe_echo(target.english, TEXT_SHOWN - 100))
    description = "\n".join([
        what(target), "", "**" + _("Now") + "**", now, "", "**" + _("Proposed") + "**",
        safe_echo(s.text, TEXT_SHOWN, multiline=True)])
    embed = discord.Embed(title=truncate(_("Suggestion #{id}").format(id=s.id), 256),
                          description=truncate(description, 4096), colour=COLOUR)
    if s.note:
        embed.add_field(name=_("Note from the author"), value=safe_echo(s.note, 1000, multiline=True), inline=False)
    embed.add_field(name=_("Suggested by"), value=_author(s), inline=True)
    embed.add_field(name=_("Suggested"), value=discord.utils.format_dt(s.created_at, "R"), inline=True)
    embed.set_footer(text=truncate(waiting_text(item.waiting) + " " + _("Approving credits you as the reviewer."), 2048))
    return embed


def decided_notice(decision: Decision) -> str:
    s = decision.suggestion
    if s.status == APPROVED:
        if s.approved_text is not None and s.approved_text != s.text:
            return "✅ " + _("Approved #{id} with your edit: {what} now reads as you wrote it; credited to you.").format(
                id=s.id, what=what(decision.target))
        return "✅ " + _("Approved #{id}: {what} now reads as proposed; credited to you.").format(
            id=s.id, what=what(decision.target))
    return _("Rejected #{id} ({what}).").format(id=s.id, what=what(decision.target))


def empty_text(language: str | None) -> str:
    if language:
        return _("Nothing is waiting for review in {language}.").format(language=language_name(language))
    return _("Nothing is waiting for review.")


def approved_dm(decision: Decision) -> str:
    """To the author, in their language: their words are the glossary's now."""
    s = decision.suggestion
    text = (_("Your suggestion #{id} for {what} was approved by a facilitator. /define shows it to everyone now. "
              "Thank you!") if s.approved_text in (None, s.text) else
            _("Your suggestion #{id} for {what} was approved by a facilitator, with a few changes. /define shows it "
              "to everyone now. Thank you!"))
    return truncate(text.format(id=s.id, what=what(decision.target)), 2000)
