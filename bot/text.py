"""Text helpers shared by every capability: cleaning user input, folding for matching,
and making user text safe to echo back."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidInput

# Zero-width and bidi control characters carry no meaning in a query and make two
# identical-looking strings differ. (ZWJ inside emoji is lost too; harmless for matching.)
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Remove invisible and control characters, normalise width (NFKC), collapse spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def require_text(text: str | None, *, field: str, max_len: int) -> str:
    """Cleaned text, or a polite error naming the field when it is empty or too long."""
    cleaned = clean(text)
    if not cleaned:
        raise InvalidInput(f"Please type something for **{field}**: it was empty.")
    if len(cleaned) > max_len:
        raise InvalidInput(
            f"**{field}** is too long ({len(cleaned):,} characters); please keep it under {max_len:,}."
        )
    return cleaned


def optional_text(text: str | None, *, field: str, max_len: int) -> str | None:
    cleaned = clean(text)
    if not cleaned:
        return None
    return require_text(cleaned, field=field, max_len=max_len)


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


_SPECIAL_FOLDS = str.maketrans({"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching.

    Only Latin letters lose their marks: decomposing Hangul, kana or Thai and dropping
    marks would destroy them (see SEARCH-NOTES). đ → d is folded explicitly.
    """
    text = clean(text).casefold().translate(_SPECIAL_FOLDS)
    out = []
    for ch in text:
        if (ord(ch) < 0x250 and ord(ch) > 0x7F and _is_latin(ch)) or "\u1e00" <= ch <= "\u1eff":
            base = unicodedata.normalize("NFD", ch)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
        else:
            out.append(ch)
    return "".join(out)


_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_LINE_START_MARKDOWN = ("#", ">", "-")
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>|@(everyone|here)")


def safe_echo(text: str, limit: int = 100) -> str:
    """User text made inert for Discord: no markdown, no mentions, bounded length."""
    text = clean(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _MARKDOWN.sub(r"\\\1", text)
    if text.startswith(_LINE_START_MARKDOWN):
        text = "\\" + text
    # A zero-width space after @ or < breaks mention syntax while looking the same.
    return _MENTION.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
