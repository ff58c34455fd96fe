"""Approved suggestions applied to the shipped terms: the glossary every instance shows.

Pure functions over plain values (no database, no discord): the review service feeds them the
approved rows, ``glossary export`` the same rows, so what /define shows and what the export writes
are one computation.

Which text wins, per term, language and field: the latest approval, as long as the shipped file
still says what it said when that approval was made. When the file has changed since (a writer
edited it, knowing more), the file wins and the approval is reported as superseded by ``export``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from bot.content import Term, TermTranslation

log = logging.getLogger(__name__)

# The English entry's own keys for the fields a suggestion can change (a translation uses the field name).
ENGLISH_KEYS = {"name": "term", "short": "short", "explanation": "explanation"}
Key = tuple[str, str, str]  # (term id, language, field)


@dataclass(frozen=True)
class Approved:
    suggestion_id: int
    term_id: str
    language: str
    field: str
    text: str  # what was approved (the proposal, or as the reviewer edited it)
    shipped_text: str | None  # the shipped text when it was approved
    reviewer_id: int | None
    reviewed_at: datetime | None

    @property
    def key(self) -> Key:
        return self.term_id, self.language, self.field


def shipped_value(term: Term, language: str, field: str) -> str | None:
    """The text of one field of a term as the content files say it (None: not written yet)."""
    if language == "en":
        key = ENGLISH_KEYS.get(field)
        return str(getattr(term, key)) if key else None
    entry = term.translations.get(language)
    value = getattr(entry, field, None) if entry is not None else None
    return str(value) if value is not None else None


@dataclass(frozen=True)
class Effective:
    applied: dict[Key, Approved]  # the approval that decides each field's text
    superseded: tuple[Approved, ...]  # approvals the shipped file has overtaken since
    orphaned: tuple[Approved, ...]  # approvals of terms no longer in the glossary


def effective(terms: Mapping[str, Term], approved: Iterable[Approved]) -> Effective:
    """Which approvals apply; ``approved`` in the order they were made (oldest first)."""
    applied: dict[Key, tuple[int, Approved]] = {}
    overtaken: list[tuple[int, Approved]] = []
    orphaned: list[Approved] = []
    for order, a in enumerate(approved):
        term = terms.get(a.term_id)
        if term is None:
            orphaned.append(a)
            continue
        now = shipped_value(term, a.language, a.field)
        if now == a.shipped_text or now == a.text:
            applied[a.key] = (order, a)  # a later approval of the same field replaces an earlier one
        else:
            overtaken.append((order, a))
    # Overtaken by the file, not merely by a later approval that the file now holds.
    superseded = tuple(a for order, a in overtaken if a.key not in applied or applied[a.key][0] < order)
    return Effective({key: a for key, (_, a) in applied.items()}, superseded, tuple(orphaned))


def _translated(entry: TermTranslation | None, field: str, text: str) -> TermTranslation:
    data = entry.model_dump() if entry is not None else {}
    data[field] = text
    data["reviewed"] = sorted({*data.get("reviewed", ()), field})
    return TermTranslation.model_validate(data)


def apply(terms: Sequence[Term], applied: Mapping[Key, Approved]) -> tuple[Term, ...]:
    """The terms with every applied approval in (the shipped terms themselves are left as they are)."""
    by_term: dict[str, list[Approved]] = {}
    for a in applied.values():
        by_term.setdefault(a.term_id, []).append(a)
    out = []
    for term in terms:
        changes = by_term.get(term.id)
        if not changes:
            out.append(term)
            continue
        english: dict[str, str] = {}
        translations = dict(term.translations)
        for a in changes:
            if a.language == "en":
                english[ENGLISH_KEYS[a.field]] = a.text
                continue
            try:
                translations[a.language] = _translated(translations.get(a.language), a.field, a.text)
            except ValidationError as exc:  # the service checks the same limits: only an edited schema gets here
                log.warning("approved suggestion #%s does not fit the glossary schema: %s", a.suggestion_id, exc)
        out.append(term.model_copy(update={**english, "translations": translations}))
    return tuple(out)
