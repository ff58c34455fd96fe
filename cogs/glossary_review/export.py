"""``glossary export``: approved suggestions written back into the content files, as a maintainer
would have typed them, so the change is a small diff to commit.

The files are edited line by line, not re-dumped: only the lines of a changed field move, and every
other entry, comment and blank line stays as it is. A translation is written the way the
translation files write one (``    short: "…"``, ``reviewed: [short]``); an English text the way the
English files do (a folded ``>-`` block wrapped like its neighbours, or a plain one-line name). Every
edited file is parsed again and compared with what was meant before anything is written, and the
command loads the whole result with the bot's own loader (``load_content``) first.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content import TRANSLATED_FIELDS, Term
from bot.i18n import LANGUAGES
from cogs.glossary_review.overrides import ENGLISH_KEYS, Approved, Key, shipped_value

WIDTH = 104  # the English files wrap their folded texts at about this column
TRANSLATION_KEYS = ("name", "gloss", "also", "short", "explanation", "reviewed", "status")  # their order in a file
ENGLISH_ORDER = ("term", "short", "explanation")
_TOP_TERMS = re.compile(r"^terms:\s*(\{\s*\})?\s*(#.*)?$")
_TRANSLATED_TERM = re.compile(r"^  ([a-z0-9][a-z0-9-]*):\s*(#.*)?$")
_ENGLISH_TERM = re.compile(r"^  - id:\s*([a-z0-9][a-z0-9-]*)\s*(#.*)?$")
_KEY = re.compile(r"^    ([a-z_]+):")


class ExportError(Exception):
    """An edit did not read back as meant (the file is left alone)."""


@dataclass
class ExportPlan:
    files: dict[Path, str] = field(default_factory=dict)  # path relative to the content folder -> new text
    changes: list[Approved] = field(default_factory=list)  # approvals that change a file
    unchanged: list[Approved] = field(default_factory=list)  # already in the files as approved


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes, which YAML reads the same; line separators escaped
    too, which YAML would otherwise fold)."""
    out = json.dumps(text, ensure_ascii=False)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def _reads_as(snippet: str, key: str, text: str) -> bool:
    try:
        data = yaml.safe_load(snippet)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get(key) == text


def render_scalar(key: str, text: str, *, indent: int = 4, style: str = "quoted") -> str:
    """``key: value`` lines at ``indent`` in ``style`` (``folded``: a ``>-`` block, as the English files
    write texts; ``plain``, as they write names; ``quoted``, as the translation files write everything),
    falling back to double quotes whenever the style would not read back as ``text``."""
    pad = " " * indent
    candidates = []
    if style == "folded" and "\n" not in text and "  " not in text and text == text.strip():
        lines = textwrap.wrap(text, width=WIDTH, initial_indent=pad + "  ", subsequent_indent=pad + "  ",
                              break_long_words=False, break_on_hyphens=False)
        candidates.append(f"{pad}{key}: >-\n" + "".join(line + "\n" for line in lines))
    elif style == "plain" and "\n" not in text:
        candidates.append(f"{pad}{key}: {text}\n")
    candidates.append(f"{pad}{key}: {quoted(text)}\n")
    for snippet in candidates:
        if _reads_as(textwrap.dedent(snippet), key, text):
            return snippet
    raise ExportError(f"{text[:40]!r}… cannot be written as YAML")


def _block_end(lines: list[str], start: int, english: bool) -> int:
    """The index after the last line of the entry whose header is ``lines[start]``."""
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if line.strip() and (not line.startswith("   ") if not english else (line.startswith("  - ") or not line.startswith("  "))):
            break
        i += 1
    while i > start + 1 and not lines[i - 1].strip():
        i -= 1
    return i


def _key_span(lines: list[str], start: int, end: int, key: str) -> tuple[int, int] | None:
    for i in range(start + 1, end):
        match = _KEY.match(lines[i])
        if match and match.group(1) == key:
            j = i + 1
            while j < end and (not lines[j].strip() or lines[j].startswith("     ")):
                j += 1
            while j > i + 1 and not lines[j - 1].strip():
                j -= 1
            return i, j
    return None


def _set_key(lines: list[str], start: int, end: int, key: str, rendered: str, order: Sequence[str]) -> int:
    """Replace (or insert, in ``order``) one key of the entry at ``start``; the entry's new end."""
    new = rendered.splitlines(keepends=True)
    span = _key_span(lines, start, end, key)
    if span is not None:
        lines[span[0]:span[1]] = new
        return end + len(new) - (span[1] - span[0])
    at = start + 1
    for earlier in order[: order.index(key)] if key in order else order:
        found = _key_span(lines, start, end, earlier)
        if found is not None:
            at = max(at, found[1])
    lines[at:at] = new
    return end + len(new)


def _drop_key(lines: list[str], start: int, end: int, key: str) -> int:
    span = _key_span(lines, start, end, key)
    if span is None:
        return end
    del lines[span[0]:span[1]]
    return end - (span[1] - span[0])


def _find(lines: list[str], pattern: re.Pattern[str], term_id: str) -> int | None:
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if match and match.group(1) == term_id:
            return i
    return None


def _edit_translation(text: str, language: str, changes: Sequence[Approved], shipped: Mapping[str, Term],
                      order: Sequence[str]) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    top = next((i for i, line in enumerate(lines) if _TOP_TERMS.match(line)), None)
    if top is None:
        lines.append("terms:\n")
        top = len(lines) - 1
    elif "{" in lines[top]:
        lines[top] = "terms:\n"
    by_term: dict[str, list[Approved]] = {}
    for a in changes:
        by_term.setdefault(a.term_id, []).append(a)
    for term_id, approved in by_term.items():
        start = _find(lines, _TRANSLATED_TERM, term_id)
        if start is None:  # a new entry, after the entry of the term before it in the English files
            at = top + 1
            for earlier in order[: order.index(term_id)] if term_id in order else order:
                found = _find(lines, _TRANSLATED_TERM, earlier)
                if found is not None:
                    at = _block_end(lines, found, english=False)
            lines[at:at] = [f"  {term_id}:\n", "    status: draft\n"]
            start = at
        end = _block_end(lines, start, english=False)
        entry = shipped[term_id].translations.get(language)
        reviewed: set[str] = set(entry.reviewed if entry else ())
        for a in approved:
            end = _set_key(lines, start, end, a.field, render_scalar(a.field, a.text), TRANSLATION_KEYS)
            reviewed.add(a.field)
        if entry is not None and entry.status == "reviewed":
            end = _drop_key(lines, start, end, "reviewed")  # the whole entry is reviewed already
        else:
            listed = [f for f in TRANSLATED_FIELDS if f in reviewed]
            end = _set_key(lines, start, end, "reviewed", f"    reviewed: [{', '.join(listed)}]\n", TRANSLATION_KEYS)
    return "".join(lines)


def _edit_english(text: str, changes: Sequence[Approved]) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for a in changes:
        start = _find(lines, _ENGLISH_TERM, a.term_id)
        if start is None:
            raise ExportError(f"term {a.term_id} is not in this file")
        end = _block_end(lines, start, english=True)
        key = ENGLISH_KEYS[a.field]
        style = "plain" if key == "term" else "folded"
        _set_key(lines, start, end, key, render_scalar(key, a.text, style=style), ENGLISH_ORDER)
    return "".join(lines)


def _check_translation(text: str, language: str, changes: Sequence[Approved]) -> None:
    data: Any = yaml.safe_load(text)
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, dict) or data.get("language") != language:
        raise ExportError(f"the {language} file no longer reads as a translation file")
    for a in changes:
        entry = terms.get(a.term_id) or {}
        if entry.get(a.field) != a.text or (entry.get("status") != "reviewed" and a.field not in entry.get("reviewed", [])):
            raise ExportError(f"{a.term_id}.{a.field} ({language}) does not read back as approved")


def _check_english(text: str, changes: Sequence[Approved]) -> None:
    data: Any = yaml.safe_load(text)
    entries = {e.get("id"): e for e in (data or {}).get("terms", []) if isinstance(e, dict)}
    for a in changes:
        if (entries.get(a.term_id) or {}).get(ENGLISH_KEYS[a.field]) != a.text:
            raise ExportError(f"{a.term_id}.{ENGLISH_KEYS[a.field]} does not read back as approved")


def english_files(content_dir: Path) -> dict[str, Path]:
    """term id -> the English file (relative to the content folder) that defines it."""
    found: dict[str, Path] = {}
    for path in sorted((content_dir / "glossary").glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _ENGLISH_TERM.match(line)
            if match:
                found.setdefault(match.group(1), path.relative_to(content_dir))
    return found


def _new_translation_file(language: str) -> str:
    lang = LANGUAGES[language]
    return (f"# The glossary in {lang.english} ({lang.native}, `{language}`), started from suggestions approved\n"
            f"# with /glossary review (python -m bot glossary export).\nlanguage: {language}\nterms:\n")


def plan_export(content_dir: Path, shipped: Sequence[Term], applied: Mapping[Key, Approved]) -> ExportPlan:
    """The new text of every content file the approvals change (nothing is written here)."""
    by_id = {t.id: t for t in shipped}
    order = [t.id for t in shipped]
    plan = ExportPlan()
    translated: dict[str, list[Approved]] = {}
    english: dict[Path, list[Approved]] = {}
    where = english_files(content_dir)
    for a in sorted(applied.values(), key=lambda a: (a.language, order.index(a.term_id), a.field)):
        term = by_id[a.term_id]
        entry = term.translations.get(a.language)
        in_file = shipped_value(term, a.language, a.field) == a.text and (
            a.language == "en" or (entry is not None and entry.is_reviewed(a.field)))
        if in_file:
            plan.unchanged.append(a)
            continue
        plan.changes.append(a)
        if a.language == "en":
            english.setdefault(where[a.term_id], []).append(a)
        else:
            translated.setdefault(a.language, []).append(a)
    for language, changes in translated.items():
        relative = Path("glossary") / "translations" / f"{language}.yaml"
        path = content_dir / relative
        old = path.read_text(encoding="utf-8") if path.exists() else _new_translation_file(language)
        new = _edit_translation(old, language, changes, by_id, order)
        _check_translation(new, language, changes)
        plan.files[relative] = new
    for relative, changes in english.items():
        new = _edit_english((content_dir / relative).read_text(encoding="utf-8"), changes)
        _check_english(new, changes)
        plan.files[relative] = new
    return plan
