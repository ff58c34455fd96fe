"""What the glossary says of its own replies in small print, for Discord and the terminal alike: once
that a reply is a draft translation, and which texts are shown in English because the reader's language
has none yet (bot.catalogues.draft_note puts it all on one line)."""

from __future__ import annotations

from bot.catalogues import N_, SmallPrint, _, format_number, is_draft_reply, language_name, ngettext
from cogs.glossary.browse import BrowsePage
from cogs.glossary.service import Definition, Entry

# Small print, once per reply, on the reply's one small-print line (bot.catalogues.draft_note).
DRAFT_NAMES = N_("Names in other languages are draft translations, not yet reviewed by native speakers.")
DEFINITION_IN_ENGLISH = N_("The definition is not yet written in {language}; it is shown in English.")
EXPLANATION_IN_ENGLISH = N_("The explanation is not yet written in {language}; it is shown in English.")
BOTH_IN_ENGLISH = N_("The definition and the explanation are not yet written in {language}; they are shown in English.")


def definition_small_print(d: Definition, fields: tuple[str, ...] = ("short",)) -> SmallPrint:
    """The reply's small print for a term: a draft translation (once), and which of the texts shown
    (``fields``: "short", "explanation") are in English because the language has none yet."""
    missing = [f for f in fields if (d.short_status if f == "short" else d.explanation_status) == "missing"]
    notes = []
    if missing:
        text = (BOTH_IN_ENGLISH if len(missing) > 1 else
                DEFINITION_IN_ENGLISH if missing[0] == "short" else EXPLANATION_IN_ENGLISH)
        notes.append(_(text).format(language=language_name(d.language)))
    return SmallPrint(draft=d.draft_translation, notes=tuple(notes))


def entries_small_print(language: str, untranslated: int, draft: bool) -> SmallPrint:
    """The small print of a list of terms: a draft translation (once), and how many of the listed
    definitions are shown in English."""
    notes: tuple[str, ...] = ()
    if untranslated:
        notes = (ngettext("{count} definition is not yet written in {language} and is shown in English.",
                          "{count} definitions are not yet written in {language} and are shown in English.",
                          untranslated).format(count=format_number(untranslated), language=language_name(language)),)
    return SmallPrint(draft=draft, notes=notes)


def explanation_small_print(d: Definition) -> SmallPrint:
    """"Explain more": the term's own small print, and that the names in other languages are drafts
    when the reply says nothing of drafts already (an English reader's)."""
    own = definition_small_print(d, fields=("explanation",))
    if any(t.draft for t in d.translations if t.language != d.language) and not is_draft_reply(own):
        return SmallPrint(draft=own.draft, notes=(*own.notes, _(DRAFT_NAMES)))
    return own


def related_small_print(d: Definition, entries: list[Entry]) -> SmallPrint:
    untranslated = sum(1 for e in entries if e.short_status == "missing")
    return entries_small_print(d.language, untranslated, d.draft_translation or any(e.draft_translation for e in entries))


def browse_small_print(page: BrowsePage) -> SmallPrint:
    """Counted over every page, so the first page's small print still holds when the pages turn."""
    return entries_small_print(page.language, page.untranslated, page.draft_translation)
