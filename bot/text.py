"""Text helpers shared by every capability: cleaning user input, folding for matching,
and making user text safe to echo back."""

from __future__ import annotations

import re
import unicodedata

from bot.catalogues import _, format_number, ngettext
from bot.errors import InvalidInput

# Zero-width and bidi control characters: invisible, and they make two identical-looking
# strings differ (bidi overrides can also make echoed text read backwards).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Stored text keeps the joiners: ZWNJ/ZWJ change how Persian, Indic scripts and emoji render.
_INVISIBLE_STORED = re.compile("[\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls but tab and newline
_SPACES = re.compile(r"\s+")
_JOINERS = re.compile("[\u200c\u200d]")


def _blank(text: str) -> bool:
    return not _JOINERS.sub("", text).strip()  # joiners with nothing to join count as empty


def clean(text: str | None) -> str:
    """One line of user text as typed: invisible and control characters removed, runs of
    whitespace (newlines too) made one space, ends trimmed. No Unicode normalisation: NFKC
    would rewrite what members typed (Thai ำ becomes ํ + า); matching folds on its own."""
    if not text:
        return ""
    text = _INVISIBLE_STORED.sub("", text)
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    return "" if _blank(text) else text


def clean_multiline(text: str | None) -> str:
    """Several lines of user text as typed: like :func:`clean`, but newlines and tabs stay."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_STORED.sub("", text)
    text = _CONTROL.sub("", text).strip()
    return "" if _blank(text) else text


def require_text(text: str | None, *, field: str, max_len: int, multiline: bool = False) -> str:
    """Cleaned text, or a polite error naming the field when it is empty or too long.
    ``field`` is shown in the reader's language: mark it ``N_("title")`` where it is passed.
    ``multiline``: keep the line breaks (descriptions, question bodies, comments)."""
    cleaned = clean_multiline(text) if multiline else clean(text)
    if not cleaned:
        raise InvalidInput(_("Please type something for **{field}**: it was empty.").format(field=_(field)))
    if len(cleaned) > max_len:
        raise InvalidInput(ngettext(
            "**{field}** is too long ({length} character); please keep it under {limit}.",
            "**{field}** is too long ({length} characters); please keep it under {limit}.", len(cleaned),
        ).format(field=_(field), length=format_number(len(cleaned)), limit=format_number(max_len)))
    return cleaned


def optional_text(text: str | None, *, field: str, max_len: int, multiline: bool = False) -> str | None:
    cleaned = clean_multiline(text) if multiline else clean(text)
    if not cleaned:
        return None
    return require_text(cleaned, field=field, max_len=max_len, multiline=multiline)


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


_SPECIAL_FOLDS = str.maketrans({"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})


class _LatinFolds(dict[str, str]):
    """Each accented Latin letter without its marks, worked out once per letter and kept."""

    def __missing__(self, ch: str) -> str:
        if (0x7F < ord(ch) < 0x250 and _is_latin(ch)) or "\u1e00" <= ch <= "\u1eff":
            out = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        else:
            out = ch
        self[ch] = out
        return out


_LATIN_FOLDS = _LatinFolds()
_MAY_FOLD = re.compile("[\u0080-\u024f\u1e00-\u1eff]")  # the only letters that lose their marks


def fold(text: str) -> str:
    """Case-, width- and accent-insensitive form for matching (never stored or shown).

    NFKC makes full-width letters, ligatures and composed/decomposed spellings (ำ / ํ + า)
    match each other. Only Latin letters lose their marks: decomposing Hangul, kana or Thai and
    dropping marks would destroy them (see SEARCH-NOTES). đ → d is folded explicitly.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", clean(text)))
    text = text.casefold().translate(_SPECIAL_FOLDS)
    if text.isascii():
        return text
    return _MAY_FOLD.sub(lambda m: _LATIN_FOLDS[m.group()], text)


_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_LINE_START_MARKDOWN = ("#", ">", "-")
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>|@(everyone|here)")


def safe_echo(text: str, limit: int = 100, *, multiline: bool = False) -> str:
    """User text made inert for Discord: no markdown, no mentions, bounded length.
    ``multiline``: keep the member's line breaks (each line is made inert on its own)."""
    text = clean_multiline(text) if multiline else clean(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _MARKDOWN.sub(r"\\\1", text)
    text = "\n".join("\\" + line if line.startswith(_LINE_START_MARKDOWN) else line for line in text.split("\n"))
    # A zero-width space after @ or < breaks mention syntax while looking the same.
    return _MENTION.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)


def closest(value: str, options: list[str], limit: int = 3) -> list[str]:
    """The options most like what was typed (for "did you mean"), best first; none when nothing is close."""
    from rapidfuzz import fuzz, process

    return [m for m, _, _ in process.extract(fold(value), options, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)]


def pick_option(text: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    """One of a fixed list of hyphenated values as a member types it ("Decent work" -> "decent-work"),
    or a polite error suggesting the closest ones (or all of them). ``what`` is shown in the reader's
    language: mark it ``N_("topic")`` where it is passed."""
    if not text:
        return None
    folded = fold(text).replace(" ", "-")
    if folded in allowed:
        return folded
    # TRANSLATORS: {what} is the kind of value, e.g. "topic", "type" (translated on its own)
    raise InvalidInput(_("There is no {what} like that.").format(what=_(what)),
                       suggestions=closest(text, list(allowed)) or list(allowed))


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
