"""Message catalogues: every string a member reads goes through gettext, in their language.

The catalogues are gettext ``.po`` files under ``bot/locale/<lang>/LC_MESSAGES/messages.po``,
kept in step with the code by Babel's own tooling (``./dev i18n``: ``pybabel extract`` then
``pybabel update``). Babel also brings CLDR's plural rules (the ``Plural-Forms`` header of each
catalogue) and locale-aware dates and numbers. Catalogues are compiled in memory when first used,
so a stale ``.mo`` file can never answer in place of the ``.po`` beside it.

The language of the moment is a context variable: set once per interaction (``use_language`` in
the command tree's check and in ``guarded``) or per delivery (the outbox, in the recipient's
language), so services that build text need no language argument and never import discord.

How to write a string:
- ``_("Saved.")`` where it is shown; ``_("Going {count}").format(count=n)``: named placeholders
  only, never f-strings (the catalogue holds the whole sentence, translators move the parts).
- ``ngettext("{count} place", "{count} places", n).format(count=n)``: plurals by the language's rules.
- ``N_("Cancel")`` marks a constant defined at import time (a label, a choice); it is translated
  with ``_(...)`` where it is shown, in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# Our language codes -> Babel (CLDR) locale identifiers; the one place the two forms meet.
BABEL_LOCALES = {"zh": "zh_Hans_CN"}
# A catalogue says it has been reviewed with this line in its header comment; until then every reply
# in that language carries the draft note once, in small print.
_REVIEWED = re.compile(r"^review-status:\s*reviewed\s*$", re.IGNORECASE | re.MULTILINE)

# The context of command, group and option names in the catalogues (bot/command_strings.py):
# Discord wants them lowercase without spaces, so they are translated apart from the same word
# in a sentence.
COMMAND_NAME = "command name"

_language: ContextVar[str] = ContextVar("reply_language", default=DEFAULT)


def N_(message: str) -> str:
    """Mark a string for the catalogues without translating it yet (translate it where it is shown)."""
    return message


def current_language() -> str:
    return _language.get()


def set_language(code: str) -> None:
    """The language of everything after this in the current task (one interaction, one delivery)."""
    _language.set(code)


@contextmanager
def use_language(code: str) -> Iterator[None]:
    """Everything inside reads in ``code``; the language before is restored after."""
    token = _language.set(code)
    try:
        yield
    finally:
        _language.reset(token)


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of a language (English, or a language without one: the code's own words)."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == DEFAULT or not path.exists():
        return NullTranslations()
    with path.open("rb") as file:
        catalog = read_po(file, locale=babel_locale(code), domain=DOMAIN)
    # A plural not (wholly) translated yet stays English by English rules ("23 terms"): compiled as it
    # is, Babel would fill a one-form language's only form with the English singular ("23 term").
    for message in list(catalog):
        if message.id and message.pluralizable and not all(message.string or ()):
            catalog.delete(message.id, context=message.context)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


@cache
def is_draft(code: str) -> bool:
    """Whether a language's catalogue still waits for a native speaker's review."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == DEFAULT or not path.exists():
        return False
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)[:40]
                     if line.startswith("#"))
    return not _REVIEWED.search(header.replace("# ", ""))


def _(message: str) -> str:
    """``message`` in the current language."""
    code = _language.get()
    return _named_as_shown(code, translations(code).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form (or the language's own form for ``n``), in the current language."""
    code = _language.get()
    return _named_as_shown(code, translations(code).ngettext(singular, plural, n))


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, where the same English word needs different translations."""
    code = _language.get()
    text = str(translations(code).pgettext(context, message))
    return text if context == COMMAND_NAME else _named_as_shown(code, text)


# Slash commands as Discord shows them. In a language Discord has a locale for, a member's client
# lists the commands under their translated names (bot/translator.py), so a message that says
# "/consult answer" says it with those names: the member can find what they are told to type.
# The paths (English names, top level first; groups too) are the bot's command tree's, installed
# when it starts (SSEBot.setup_hook); a slash word that is not one stays as written. The web site
# and the CLI load no commands (they never import discord), so their texts keep the English names.
_command_paths: frozenset[tuple[str, ...]] = frozenset()
_COMMAND_MENTION = re.compile(r"(?<![\w/<:.@#-])/([a-z][a-z0-9_-]*(?: [a-z][a-z0-9_-]*){0,2})")


def install_command_paths(paths: frozenset[tuple[str, ...]]) -> None:
    global _command_paths
    if paths != _command_paths:
        _command_paths = paths
        _named_as_shown.cache_clear()


@lru_cache(maxsize=8192)
def _named_as_shown(code: str, text: str) -> str:
    if code == DEFAULT or not _command_paths or "/" not in text or not _has_discord_locale(code):
        return text
    catalogue = translations(code)

    def local(match: re.Match[str]) -> str:
        words = match.group(1).split(" ")
        for n in range(len(words), 0, -1):
            if tuple(words[:n]) in _command_paths:
                names = [str(catalogue.pgettext(COMMAND_NAME, word)) for word in words[:n]]
                return "/" + " ".join(names + words[n:])
        return match.group(0)

    return _COMMAND_MENTION.sub(local, text)


@cache
def _has_discord_locale(code: str) -> bool:
    from bot.i18n import LANGUAGES  # bot.i18n's own messages import this module

    return code in LANGUAGES and bool(LANGUAGES[code].discord_locales)


@dataclass(frozen=True)
class SmallPrint:
    """What a reply says of itself besides the catalogue's draft status, for the one small-print line
    under it: whether content it shows is a draft translation too (a glossary entry in the reader's
    language, ``TermTranslation.status``), and other notes, each a whole translated sentence ("The
    explanation is not yet written in 日本語; it is shown in English.")."""

    draft: bool = False
    notes: tuple[str, ...] = ()


def is_draft_reply(small_print: SmallPrint | None = None) -> bool:
    """Whether a reply in the current language is (partly) a draft translation: the catalogue's, or the
    content's it shows. English, the language everything is written in, never is."""
    code = _language.get()
    return code != DEFAULT and (is_draft(code) or (small_print is not None and small_print.draft))


def draft_note(small_print: SmallPrint | None = None) -> str | None:
    """The one small-print line of a reply (None when there is nothing to say): that it is a draft
    translation, once, whether the catalogue or the content is the draft, then the reply's own notes,
    all on that one line rather than one note per field."""
    sentences = []
    if is_draft_reply(small_print):
        sentences.append(_("This reply is a draft translation, not yet reviewed by a native speaker."))
    if small_print is not None:
        sentences.extend(small_print.notes)
    return "-# " + " ".join(sentences) if sentences else None


def babel_locale(code: str | None = None) -> Locale:
    return _babel_locale(code or _language.get())


@cache
def _babel_locale(code: str) -> Locale:
    # parsed once per language: a page of the web site formats dozens of dates and numbers
    return Locale.parse(BABEL_LOCALES.get(code, code))


def format_when(moment: datetime, zone: str | ZoneInfo, *, date: str = "yMMMEd", time: str | None = "Hm") -> str:
    """A date and time as the reader's locale writes it, in ``zone`` ("Wed, Dec 2, 2026, 15:00",
    "พ. 2 ธ.ค. 2026 15:00"). ``date`` and ``time`` are CLDR skeletons (``time=None``: the date only);
    the locale's own pattern joins them.

    Gregorian years everywhere, Thai included: the programme's documents and Discord's own
    timestamps use them, and a Buddhist-era year beside a ``<t:…>`` timestamp would disagree."""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    locale = babel_locale()
    day = format_skeleton(date, moment, tzinfo=tz, locale=locale)
    if time is None:
        return day
    clock = format_skeleton(time, moment, tzinfo=tz, locale=locale)
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", clock)


def language_name(code: str) -> str:
    """A language's name in the reader's language, from CLDR ("Thai", "ไทย", "タイ語"); else its English
    name (bot/i18n.py), else the code itself."""
    from bot.i18n import LANGUAGES  # bot.i18n's own messages import this module

    base = BABEL_LOCALES.get(code, code).split("_")[0]
    name = babel_locale().languages.get(base)
    if name:
        return str(name).replace("\u200b", "").strip()
    return LANGUAGES[code].english if code in LANGUAGES else code


def format_number(value: float) -> str:
    """A number as the reader's locale writes it ("1,234.5", "1 234,5")."""
    return format_decimal(value, locale=babel_locale())


def untranslated(code: str) -> list[str]:
    """The template's messages a language's catalogue does not translate yet (command names only count
    for the languages Discord shows them in)."""
    from bot.i18n import LANGUAGES

    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as file:
        template = read_po(file)
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return [m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id]
    with path.open("rb") as file:
        catalog = read_po(file)
    missing = []
    for message in template:
        if not message.id or (message.context == COMMAND_NAME and not LANGUAGES[code].discord_locales):
            continue
        ours = catalog.get(message.id, context=message.context)
        strings: tuple[str, ...] = () if ours is None else tuple(
            ours.string if isinstance(ours.string, tuple) else (str(ours.string or ""),))
        if ours is None or ours.fuzzy or not strings or not all(text.strip() for text in strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
