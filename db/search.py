"""Full-text search that works for every script the community writes in.

One tokenizer, written here in Python, feeds both backends the same token stream:

* Latin text is folded (case, accents, đ → d) and cut into words;
* runs of scripts written without spaces (Thai, Lao, Khmer, Myanmar, Chinese, Japanese kana,
  Korean Hangul) become overlapping character bigrams plus a unigram for the last character,
  so any 2+ character piece of a run is a phrase of bigrams and a single character is a prefix;
* everything else (punctuation, emoji, symbols, markup) separates tokens and never reaches
  the engine.

SQLite: a contentless FTS5 table (``search_fts``, rowid = message id) over the space-joined
tokens with ``unicode61`` told to keep marks inside tokens. PostgreSQL: a ``tsvector`` column
built with the ``simple`` configuration over the same tokens, non-ASCII ones hex-encoded so the
server's parser cannot cut them apart, with a GIN index. Queries are built from the user's text
by the same tokenizer and every token is quoted: user syntax is never engine syntax.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text import fold

MAX_TOKEN = 48
MAX_QUERY_TERMS = 16

# Scripts written without spaces between words.
_UNSEGMENTED = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility
    (0xFF66, 0xFF9F),  # half-width katakana
    (0x20000, 0x2FA1F),  # CJK extensions B..
)


def _is_unsegmented(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x0E00:
        return False
    return any(lo <= cp <= hi for lo, hi in _UNSEGMENTED)


def is_unsegmented(token: str) -> bool:
    """Whether a token comes from a script written without spaces (a bigram or a lone character)."""
    return bool(token) and _is_unsegmented(token[0])


def _is_word(ch: str) -> bool:
    if ch.isalnum():
        return True
    return unicodedata.category(ch)[0] == "M"


@dataclass(frozen=True)
class Term:
    """One word of a query: a phrase of tokens, or a single-character prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Alternatives:
    """One required part of a query that any of several options satisfies (a word as typed, or its
    names in other languages from the glossary); each option is parts that must all match."""

    options: tuple[tuple[Part, ...], ...]


Part = Term | Alternatives  # one required part of a query: all parts must match


def _char_class(ranges: list[tuple[int, int]]) -> str:
    """A character class of these code point ranges, its astral part behind its own test: a class
    that mixes both is compiled into a list of ranges that every character is checked against, one
    by one; the part below U+10000 alone becomes one lookup in a bitmap."""
    def listed(part: list[tuple[int, int]]) -> str:
        return "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in part) + "]"

    low = [(lo, min(hi, 0xFFFF)) for lo, hi in ranges if lo <= 0xFFFF]
    high = [(max(lo, 0x10000), hi) for lo, hi in ranges if hi > 0xFFFF]
    if not high:
        return listed(low)
    return f"(?:{listed(low)}|(?=[\\U00010000-\\U0010ffff]){listed(high)})"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The tokenizer's rules as regular expressions, so that a message is cut in C, not character
    by character in Python (the import's bottleneck): (runs, clusters, tokens, a character of
    :data:`_OWN_CHARACTERS`). Built on first use
    from this Python's Unicode tables (~0.1 s: every code point's category is looked up once)."""
    marks: list[tuple[int, int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] == "M":
            if marks and marks[-1][1] == cp - 1:
                marks[-1] = (marks[-1][0], cp)
            else:
                marks.append((cp, cp))
    mark = _char_class(marks)
    unsegmented = _char_class(list(_UNSEGMENTED))
    # A run of a script written without spaces: its characters and the combining marks after them.
    # A run of other scripts: letters, digits and combining marks (a mark after a separator starts
    # one, a mark after a letter continues it), never a character of the scripts above.
    word = f"(?:(?!{unsegmented})(?:[^\\W_]|{mark}))+"
    runs = re.compile(f"({unsegmented}(?:{unsegmented}|{mark})*)|({word})")
    clusters = re.compile(f".{mark}*")  # a character and the combining marks after it
    # Every token of a text: the bigram of clusters starting at each cluster of an unsegmented run
    # (the run's last cluster alone), or a word.
    cluster = f"{unsegmented}{mark}*"
    tokens = re.compile(f"(?=({cluster}(?:{cluster})?)){cluster}|({word})")
    own = re.compile(_char_class(list(_OWN_CHARACTERS)))
    return runs, clusters, tokens, own


def _runs(text: str) -> list[tuple[str, bool]]:
    """Cut folded text into (run, unsegmented?) pieces; separators dropped."""
    return [(a, True) if a else (b, False) for a, b in _patterns()[0].findall(text)]


def _clusters(run: str) -> list[str]:
    """Characters with the combining marks that follow them (Thai vowels and tones, Khmer
    subscripts): ``วิสาหกิจ`` → วิ ส า ห กิ จ. Bigrams of clusters are fewer and rarer than
    bigrams of code points, which keeps phrase queries short and fast."""
    return _patterns()[1].findall(run)


def _bigrams(run: str) -> list[str]:
    units = _clusters(run)
    if len(units) == 1:
        return units
    return [units[i] + units[i + 1] for i in range(len(units) - 1)] + [units[-1]]


# Chinese, Japanese and Korean: one character is often a whole word (社, 税, 組, 세), so each
# character is also indexed on its own. Thai, Lao, Khmer and Myanmar characters are not: alone they
# are letters, looked for (rarely) as a prefix of the bigrams.
_OWN_CHARACTERS = (
    (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x2FA1F),
)


def _indexed_alone(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _OWN_CHARACTERS)


def index_tokens(text: str) -> list[str]:
    """The tokens stored for a message: words (at most MAX_TOKEN characters) and the bigrams of runs of
    scripts written without spaces, in one pass of :func:`_patterns`. The characters of Chinese,
    Japanese and Korean runs come once more each, after every other token (so no phrase's positions
    move): a one-character query is then one token's list, not a prefix scan over every bigram that
    starts with it (16-22 ms at 1M)."""
    folded = fold(text)
    _runs_of, _clusters_of, tokens_of, own = _patterns()
    out = [bigram or word[:MAX_TOKEN] for bigram, word in tokens_of.findall(folded)]
    if own.search(folded) is None:
        return out
    alone: dict[str, None] = {}
    for run, unsegmented in _runs(folded):
        if unsegmented and _indexed_alone(run[0]):
            units = _clusters(run)
            if len(units) == len(run):  # no combining marks: every character but the last is a bigram's first
                alone.update(dict.fromkeys(run[:-1]))
            else:  # the first of each bigram of two lone characters
                alone.update((units[i], None) for i in range(len(units) - 1)
                             if len(units[i]) == 1 and len(units[i + 1]) == 1)
    out.extend(alone)
    return out


def word_term(word: str) -> Term | None:
    """The term of one folded word (no spaces in it), or None when it has nothing to look for."""
    tokens: list[str] = []
    prefix = False
    runs = _runs(word)
    for run, unsegmented in runs:
        if unsegmented:
            units = _clusters(run)
            if len(units) == 1:
                tokens.append(run)
                prefix = len(runs) == 1 and not _indexed_alone(run[0])
            else:
                tokens.extend(units[i] + units[i + 1] for i in range(len(units) - 1))
        else:
            tokens.append(run[:MAX_TOKEN])
    return Term(tuple(tokens), prefix) if tokens else None


def query_terms(text: str) -> list[Term]:
    """The terms of a query: every whitespace-separated word becomes one phrase (``don't`` →
    ``don t``, ``ผ้าไหม`` → its bigrams); a lone unsegmented character becomes a prefix."""
    terms: list[Term] = []
    seen: set[Term] = set()
    for word in fold(text).split():
        term = word_term(word)
        if term is not None and term not in seen:
            seen.add(term)
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def name_terms(text: str) -> tuple[Term, ...]:
    """How a name (a glossary term in some language) is looked for: a name in spaced scripts as
    one phrase (``hợp tác xã`` where the three words stand together, not anywhere in a message);
    one with words in scripts written without spaces word by word, as a query is (``사회적 기업``
    also finds ``사회적기업``). Empty when the name has nothing to look for."""
    return as_name(tuple(t for word in fold(text).split() if (t := word_term(word)) is not None))


def as_name(words: tuple[Term, ...]) -> tuple[Term, ...]:
    """The terms of a name's words (:func:`word_term` of each) as :func:`name_terms` looks for them."""
    if len(words) > 1 and not any(is_unsegmented(tok) for t in words for tok in t.tokens):
        return (Term(tuple(tok for t in words for tok in t.tokens)),)
    return words


def highlight_words(text: str) -> list[str]:
    """Folded pieces of the query to highlight in snippets: whole words as typed (``c++``,
    ``don't``), and the letter runs inside them that are long enough to mean something."""
    words = []
    for word in fold(text).split():
        stripped = word.strip(".,;:!?()[]{}\"'“”‘’«»")
        if stripped:
            words.append(stripped)
        for run, unsegmented in _runs(word):
            if unsegmented or len(run) >= 2:
                words.append(run)
    return words


# ----------------------------------------------------------------- marks
# Tokens added to the indexed text of a message that say what it is: its kind, and for the
# messages of a Q&A post, solved or not, the post's country and topic. A private-use character is
# never a token of a query (the query tokenizer treats it as a separator), so only our own queries
# ask for them, and a filter becomes one more term the engine intersects inside the index instead
# of a row-by-row check during its newest-first walk (tens of thousands of rows at 1M messages).
# A mark is a function of stored values only (never of content files such as the country list):
# the index must be able to take back exactly the tokens it was given.
SOLVED_MARK = "\ue000solved"
_KIND_MARK = "\ue001"
_COUNTRY_MARK = "\ue002"
_TOPIC_MARK = "\ue003"


def _mark_value(value: str) -> str:
    return "".join(ch for ch in fold(value) if _is_word(ch))[:MAX_TOKEN]


def kind_mark(kind: str) -> str:
    return _KIND_MARK + _mark_value(kind)


def country_mark(country: str) -> str | None:
    """The mark of a post tagged with this country (``Lao PDR``, ``lao pdr`` and ``Lào PDR`` alike)."""
    value = _mark_value(country)
    return _COUNTRY_MARK + value if value else None


def topic_mark(topic: str) -> str | None:
    value = _mark_value(topic)
    return _TOPIC_MARK + value if value else None


@functools.lru_cache(maxsize=4096)  # a few kinds, countries and topics: folding them per message was ~10 % of an import
def message_marks(kind: str, *, in_post: bool = False, solved: bool = False, country: str | None = None,
                  topic: str | None = None) -> tuple[str, ...]:
    """The marks of one message: its kind, and for a message of a Q&A post its post's state."""
    marks = [kind_mark(kind)]
    if in_post:
        if solved:
            marks.append(SOLVED_MARK)
        marks += [m for m in (country_mark(country or ""), topic_mark(topic or "")) if m]
    return tuple(marks)


# ----------------------------------------------------------------- SQLite (FTS5)
def fts_document(text: str, marks: Sequence[str] = ()) -> str:
    return " ".join([*index_tokens(text), *marks])


def token_strings(texts: Sequence[str]) -> list[str]:
    """The tokens of each text, joined by spaces as :func:`fts_document` joins them (tokens are
    never empty, so an empty string is a text without tokens). The import has these computed in a
    worker process, one batch ahead of its writes (cogs/search/dce_import.py)."""
    return [" ".join(index_tokens(t)) for t in texts]


def _fts_document_of(tokens: str, marks: Sequence[str]) -> str:
    """:func:`fts_document` from the text's :func:`token_strings` entry."""
    if not marks:
        return tokens
    return f"{tokens} {' '.join(marks)}" if tokens else " ".join(marks)


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts_term(t: Term) -> str:
    return _fts_quote(" ".join(t.tokens)) + ("*" if t.prefix else "")


def _fts_part(part: Part) -> str:
    if isinstance(part, Term):
        return _fts_term(part)
    options = ["(" + " AND ".join(_fts_part(t) for t in option) + ")" for option in part.options]
    return "(" + " OR ".join(options) + ")"


def fts_match(terms: Sequence[Part], *, any_term: bool = False, exclude: Sequence[Term] = ()) -> str:
    """An FTS5 expression: every part (any of them with ``any_term``), without the rows that match
    all of ``exclude`` (the words as typed, when looking only for what a glossary expansion adds)."""
    expression = (" OR " if any_term else " AND ").join(_fts_part(p) for p in terms)
    if exclude:
        expression = f"({expression}) NOT ({fts_match(exclude)})"
    return expression


# ----------------------------------------------------------------- PostgreSQL (tsvector)
_ASCII_WORD = re.compile(r"^[a-z0-9]+$")


def pg_token(token: str) -> str:
    """A token as a ``simple`` lexeme: ASCII words as they are, anything else (and ASCII words that
    begin with ``zz``, so no typed word can look like an encoded one) hex-encoded behind ``zz``."""
    if _ASCII_WORD.match(token) and not token.startswith("zz"):
        return token
    return "zz" + token.encode("utf-8").hex()


def pg_document(text: str, marks: Sequence[str] = ()) -> str:
    return " ".join([pg_token(t) for t in index_tokens(text)] + [pg_token(m) for m in marks])


def _pg_lexeme(token: str) -> str:
    return f"'{pg_token(token)}'"


def _pg_term(t: Term) -> str:
    lexemes = [_pg_lexeme(tok) for tok in t.tokens]
    if t.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def _pg_part(part: Part) -> str:
    if isinstance(part, Term):
        return _pg_term(part)
    return "(" + " | ".join("(" + " & ".join(_pg_part(t) for t in option) + ")" for option in part.options) + ")"


def pg_tsquery(terms: Sequence[Part], *, any_term: bool = False, exclude: Sequence[Term] = ()) -> str:
    """The same expression as :func:`fts_match`, as a ``tsquery`` literal (the lexemes are already what the vectors hold)."""
    expression = (" | " if any_term else " & ").join(_pg_part(p) for p in terms)
    if exclude:
        expression = f"({expression}) & !({pg_tsquery(exclude)})"
    return expression


def _pg_any(marks: Iterable[str | None], missing: str) -> str:
    """Any of these marks as a tsquery; a value with no letters or digits has no mark, so it asks
    for one no message has (nothing matches, as on SQLite)."""
    lexemes = list(dict.fromkeys(_pg_lexeme(m) for m in marks if m)) or [_pg_lexeme(missing)]
    return lexemes[0] if len(lexemes) == 1 else "(" + " | ".join(lexemes) + ")"


def pg_filter_marks(filters: SearchFilters, *, solved_only: bool = False) -> str | None:
    """The marks a search's filters ask for, as a tsquery, when one of them is rare enough to make
    GIN's intersection cheap (solved or unsolved, Q&A messages only, a country, a topic); None
    otherwise (scope "discussions" alone would intersect with nearly every message). The same
    marks as SQLite's (:func:`message_marks`), so both engines find the same messages."""
    kinds = filters.kinds
    if filters.published_only or filters.solved is False:
        kinds = tuple(k for k in kinds or POST_KINDS if k in POST_KINDS) or ("none",)
    solved = solved_only or filters.solved is True or filters.published_only
    if not (solved or filters.solved is False or filters.countries or filters.topic is not None
            or (kinds and all(k in POST_KINDS for k in kinds))):
        return None
    parts = []
    if kinds:
        parts.append(_pg_any((kind_mark(k) for k in kinds), _KIND_MARK))
    if filters.countries:
        parts.append(_pg_any((country_mark(c) for c in filters.countries), _COUNTRY_MARK))
    if filters.topic is not None:
        parts.append(_pg_any([topic_mark(filters.topic)], _TOPIC_MARK))
    if solved:
        parts.append(_pg_lexeme(SOLVED_MARK))
    elif filters.solved is False:
        parts.append("!" + _pg_lexeme(SOLVED_MARK))
    return " & ".join(parts)


# ----------------------------------------------------------------- DDL (used by the migration)
def _fts_table_ddl(name: str) -> str:
    return (f"CREATE VIRTUAL TABLE {name} USING fts5(body, content='', "
            "tokenize=\"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\")")


# Every message is in search_fts. The messages of Q&A posts (a few percent of them) are also in
# search_posts_fts, so a search that can only find post messages (solved or not, a country or a
# topic, questions only, the solved supplement, the web's published Q&A) walks that small index:
# intersecting a common word with a rare mark in the big one still walks the word's matches.
FTS_TABLE = "search_fts"
POSTS_FTS_TABLE = "search_posts_fts"
SQLITE_DDL = [_fts_table_ddl(FTS_TABLE)]  # as migration 0002 created it
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
SQLITE_TABLES = (FTS_TABLE, POSTS_FTS_TABLE)  # as migration 0020 writes them (rebuild_sqlite_index)

PG_DDL = [
    "ALTER TABLE archive_messages ADD COLUMN search_vector tsvector",
    "CREATE INDEX ix_archive_messages_search ON archive_messages USING GIN (search_vector)",
]
PG_DROP = ["DROP INDEX IF EXISTS ix_archive_messages_search"]


# ----------------------------------------------------------------- index maintenance and queries
# These take a session and never commit; the caller owns the unit of work.
import json  # noqa: E402
import math  # noqa: E402
import operator  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping  # noqa: E402
from contextlib import asynccontextmanager  # noqa: E402
from datetime import datetime  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession  # noqa: E402


def dialect(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None, "the session is not bound to an engine"
    return bind.dialect.name


class _Indexed(NamedTuple):
    marks: tuple[str, ...]
    in_post: bool  # also in the posts index


class IdsQuery:
    """One statement over a list of ids, written with ``{ids}`` where the list goes. On SQLite all
    the ids go as one JSON array through ``json_each`` (rendering an expanding IN of 500 binds per
    chunk was ~5 % of an import); on PostgreSQL one ``bigint[]`` parameter per chunk of ``chunk``
    ids: the statement's text is the same whatever the count, so asyncpg prepares it once (an
    expanding IN of 400-500 binds, a new statement for each count: 5-6 ms against 2 ms at 1M
    messages, bench/README.md)."""

    def __init__(self, sql: str, chunk: int = 500):
        self._sqlite = text(sql.format(ids="(SELECT value FROM json_each(:ids))"))
        self._array = text(sql.format(ids="(SELECT unnest(CAST(:ids AS BIGINT[])))"))
        self._chunk = chunk

    async def rows(self, session: AsyncSession, ids: Sequence[int], params: Mapping[str, Any] | None = None) -> list[Any]:
        """The statement's rows for these ids (``params``: its other parameters)."""
        if dialect(session) == "sqlite":
            return list(await session.execute(self._sqlite, {**(params or {}), "ids": json.dumps(list(ids))}))
        out: list[Any] = []
        for start in range(0, len(ids), self._chunk):
            out.extend(await session.execute(self._array, {**(params or {}), "ids": list(ids[start : start + self._chunk])}))
        return out


_MARKS_QUERY = IdsQuery(
    "SELECT m.id, m.kind, q.thread_id IS NOT NULL, q.solved_at IS NOT NULL, q.country, q.topic "
    "FROM archive_messages m LEFT JOIN qa_questions q ON q.thread_id = m.thread_id WHERE m.id IN {ids}"
)


async def _marks_of(session: AsyncSession, ids: list[int]) -> dict[int, _Indexed]:
    """The marks of these messages as the database says now (see :func:`message_marks`)."""
    out: dict[int, _Indexed] = {}
    for mid, kind, in_post, solved, country, topic in await _MARKS_QUERY.rows(session, ids):
        out[mid] = _Indexed(message_marks(kind, in_post=bool(in_post), solved=bool(solved), country=country,
                                          topic=topic), bool(in_post))
    return out


_NOT_STORED = _Indexed((), False)


# ----------------------------------------------------------------- change notes (db/search_index.py)
# Every write below notes the ids it touched in search_changes, in the caller's transaction, so the
# dedicated engine (when configured) can apply exactly what changed; one row per message, its
# version bumped by each write. PURGE_NOTE (no message has id 0) asks for a rebuild after a forget.
PURGE_NOTE = 0
_NOTE_SQLITE = text(
    "INSERT INTO search_changes (message_id, version) SELECT value, "
    "(SELECT coalesce(max(version), 0) + 1 FROM search_changes) FROM json_each(:ids) WHERE true "
    "ON CONFLICT (message_id) DO UPDATE SET version = excluded.version"
)
_NOTE_PG = text(
    "INSERT INTO search_changes (message_id, version) SELECT DISTINCT unnest(CAST(:ids AS bigint[])), "
    "pg_current_xact_id()::text::bigint ON CONFLICT (message_id) DO UPDATE SET version = excluded.version"
)
_CHANGES_SQLITE = text("SELECT message_id, version FROM search_changes WHERE version > :seen")
_CHANGES_PG = text(
    "SELECT c.message_id, c.version, s.xmin FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin) s "
    "LEFT JOIN search_changes c ON c.version >= :seen"
)


async def record_changes(session: AsyncSession, ids: Iterable[int]) -> None:
    """Note that these messages were written (stored, edited, marked, deleted)."""
    ids = list(ids)
    if not ids:
        return
    session.info.pop(CAUGHT_UP, None)  # a search later in this transaction applies this note first
    if dialect(session) == "postgresql":
        await session.execute(_NOTE_PG, {"ids": ids})
    else:
        await session.execute(_NOTE_SQLITE, {"ids": json.dumps(ids)})


async def read_changes(session: AsyncSession, seen: int | None) -> tuple[dict[int, int], int]:
    """The notes not yet applied by an index that has seen up to ``seen`` (None: none, only where
    the notes stand), by message id, and the new ``seen``. SQLite: the highest version read (writes
    commit one at a time, in version order). PostgreSQL: the oldest transaction still running, so
    the notes of every transaction that might still commit are read again next time."""
    if dialect(session) == "postgresql":
        if seen is None:
            return {}, int((await session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))).scalar_one())
        rows = list(await session.execute(_CHANGES_PG, {"seen": seen}))
        return {mid: version for mid, version, _ in rows if mid is not None}, int(rows[0][2])
    if seen is None:
        return {}, int((await session.execute(text("SELECT coalesce(max(version), 0) FROM search_changes"))).scalar_one())
    changes = {mid: version for mid, version in await session.execute(_CHANGES_SQLITE, {"seen": seen})}
    return changes, max(changes.values(), default=seen)


async def purge_note(session: AsyncSession) -> int | None:
    """The version of the last rebuild asked for (:func:`purge`), or None."""
    return (await session.execute(text("SELECT version FROM search_changes WHERE message_id = :p"),
                                  {"p": PURGE_NOTE})).scalar_one_or_none()


async def _write_index(session: AsyncSession, rows: Sequence[tuple[int, str]], command: str,
                       tokens: Mapping[int, str] | None = None) -> None:
    """Add (``command`` = "") or take back ("delete") these entries in both SQLite indexes.
    ``tokens``: the :func:`token_strings` entry of a row's content, by id, when already computed."""
    indexed = await _marks_of(session, [mid for mid, _ in rows])
    docs: list[tuple[int, str, bool]] = []
    for mid, content in rows:
        marks, in_post = indexed.get(mid, _NOT_STORED)
        known = tokens.get(mid) if tokens is not None else None
        docs.append((mid, fts_document(content, marks) if known is None else _fts_document_of(known, marks), in_post))
    conn = await session.connection()
    for table, only_posts in ((FTS_TABLE, False), (POSTS_FTS_TABLE, True)):
        params = [(mid, doc) for mid, doc, in_post in docs if in_post or not only_posts]
        if not params:
            continue
        # the driver's own executemany: SQLAlchemy's per-row parameter processing of a text() was
        # ~10 % of an import, for two plain values
        if command:
            await conn.exec_driver_sql(f"INSERT INTO {table}({table}, rowid, body) VALUES ('{command}', ?, ?)", params)
        else:
            await conn.exec_driver_sql(f"INSERT INTO {table}(rowid, body) VALUES (?, ?)", params)


async def index_messages(session: AsyncSession, rows: Sequence[tuple[int, str]],
                         tokens: Mapping[int, str] | None = None) -> None:
    """Add (message id, content) pairs to the index (the messages rows must exist: their kind and
    their post's state give the marks). ``tokens``: the :func:`token_strings` entry of a row's
    content by id, when the caller has it already (SQLite only; the contents must be these rows')."""
    if not rows:
        return
    await record_changes(session, [mid for mid, _ in rows])
    if dialect(session) == "postgresql":
        marks = await _marks_of(session, [mid for mid, _ in rows])
        await session.execute(
            text("UPDATE archive_messages SET search_vector = to_tsvector('simple', :doc) WHERE id = :id"),
            [{"id": mid, "doc": pg_document(content, marks.get(mid, _NOT_STORED).marks)} for mid, content in rows],
        )
    else:
        await _write_index(session, rows, "", tokens)


MESSAGE_COLUMNS = ("id", "guild_id", "channel_id", "thread_id", "author_id", "kind", "content", "created_at",
                   "edited_at")


async def insert_messages(session: AsyncSession, table: Any, values: Sequence[dict[str, Any]],
                          tokens: Mapping[int, str] | None = None) -> None:
    """Store new messages (``values``: rows of ``table``, archive_messages, with MESSAGE_COLUMNS) and
    index them. On PostgreSQL the INSERT writes the vector itself: no second write of every row
    (and of its GIN entries) by a later UPDATE."""
    if not values:
        return
    if dialect(session) != "postgresql":
        # the driver's executemany with the columns' own bind processors (aware datetimes stored as
        # SQLAlchemy stores them): the Core insert's per-row parameter handling was ~8 % of an import
        conn = await session.connection()
        table_columns = [table.c[c] for c in MESSAGE_COLUMNS]
        processors = [(c.name, c.default.arg if c.default is not None and c.default.is_scalar else None,
                       c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) for c in table_columns]
        every = operator.itemgetter(*MESSAGE_COLUMNS)
        processed = [(i, process) for i, (_name, _default, process) in enumerate(processors) if process is not None]

        def row(v: dict[str, Any]) -> tuple[Any, ...]:
            try:
                out = list(every(v))  # every column given (the import): one C call, not a loop per column
            except KeyError:
                return tuple(v.get(name, default) if process is None else process(v.get(name, default))
                             for name, default, process in processors)
            for i, process in processed:
                out[i] = process(out[i])
            return tuple(out)

        await conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(MESSAGE_COLUMNS)}) VALUES ({', '.join('?' * len(MESSAGE_COLUMNS))})",
            [row(v) for v in values])
        await index_messages(session, [(v["id"], v["content"]) for v in values], tokens)
        return
    threads = sorted({v["thread_id"] for v in values if v.get("thread_id")})
    posts: dict[int, tuple[bool, str | None, str | None]] = {}
    for start in range(0, len(threads), 500):
        chunk = threads[start : start + 500]
        binds = ", ".join(f":t{n}" for n in range(len(chunk)))
        rows = await session.execute(
            text(f"SELECT thread_id, solved_at IS NOT NULL, country, topic FROM qa_questions WHERE thread_id IN ({binds})"),
            {f"t{n}": t for n, t in enumerate(chunk)})
        posts.update({t: (bool(solved), country, topic) for t, solved, country, topic in rows})

    def marks(v: dict[str, Any]) -> tuple[str, ...]:
        post = posts.get(v.get("thread_id") or 0)
        if post is None:
            return message_marks(v["kind"])
        return message_marks(v["kind"], in_post=True, solved=post[0], country=post[1], topic=post[2])

    await record_changes(session, [v["id"] for v in values])
    columns = ", ".join(MESSAGE_COLUMNS)
    binds = ", ".join(f":{c}" for c in MESSAGE_COLUMNS)
    await session.execute(
        text(f"INSERT INTO archive_messages ({columns}, search_vector) VALUES ({binds}, to_tsvector('simple', :doc))"),
        [{**{c: v.get(c) for c in MESSAGE_COLUMNS}, "doc": pg_document(v["content"], marks(v))} for v in values])


async def unindex_messages(session: AsyncSession, rows: Iterable[tuple[int, str]]) -> None:
    """Remove (message id, content as indexed) pairs. On PostgreSQL the row's own column goes
    with the row; SQLite's contentless index needs the exact indexed text to remove its tokens,
    so call this before the message, its kind or its post (solved, country, topic) changes:
    :func:`reindexed` does both sides."""
    rows = list(rows)
    if not rows:
        return
    await record_changes(session, [mid for mid, _ in rows])
    if dialect(session) == "postgresql":
        return
    await _write_index(session, rows, "delete")


@asynccontextmanager
async def reindexed(session: AsyncSession, thread_id: int) -> AsyncIterator[None]:
    """Around a change to a Q&A post (its question row created, solved, tagged): its messages leave
    the index with their old marks and come back with the new ones."""
    rows = [(mid, content) for mid, content in (await session.execute(
        text("SELECT id, content FROM archive_messages WHERE thread_id = :t"), {"t": thread_id})).all()]
    await unindex_messages(session, rows)
    yield
    await session.flush()
    await index_messages(session, rows)


def rebuild_sqlite_index(connection: Any, batch: int = 5000, marks: Callable[..., tuple[str, ...]] | None = None,
                         tables: Sequence[str] = SQLITE_TABLES) -> int:
    """Write the SQLite indexes again from the stored messages (a migration's step, on its
    synchronous connection): empty ones, then every message with its marks (``marks``: another
    rule, :func:`message_marks` by default). Returns how many messages."""
    marks = marks or message_marks
    for table in SQLITE_TABLES:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    for table in tables:
        connection.exec_driver_sql(_fts_table_ddl(table))
    done = 0
    for rows in _stored_with_posts(connection, batch):
        docs = [(mid, fts_document(content, marks(kind, in_post=bool(in_post), solved=bool(solved), country=country,
                                                  topic=topic)), bool(in_post))
                for mid, content, kind, in_post, solved, country, topic in rows]
        for table in tables:
            params = [{"id": mid, "doc": doc} for mid, doc, in_post in docs if in_post or table == FTS_TABLE]
            if params:
                connection.execute(text(f"INSERT INTO {table}(rowid, body) VALUES (:id, :doc)"), params)
        done += len(rows)
    for table in tables:
        # one segment instead of one per batch: queries read one b-tree per token (bench/README.md)
        connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    return done


def _stored_with_posts(connection: Any, batch: int) -> Iterator[Sequence[Any]]:
    """Every stored message in id order, ``batch`` at a time, with its post's state: (id, content,
    kind, in a post, solved, country, topic). What the rebuilds write the marks from."""
    last = -(2**63)
    while True:
        rows = connection.execute(text(
            "SELECT m.id, m.content, m.kind, q.thread_id IS NOT NULL, q.solved_at IS NOT NULL, q.country, q.topic "
            "FROM archive_messages m LEFT JOIN qa_questions q ON q.thread_id = m.thread_id "
            "WHERE m.id > :last ORDER BY m.id LIMIT :n"), {"last": last, "n": batch}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rebuild_pg_index(connection: Any, batch: int = 5000) -> int:
    """Write every PostgreSQL search vector again from the stored messages, with marks (a
    migration's step, on its synchronous connection). Returns how many. The GIN index is dropped
    first and built again at the end: one build costs a fraction of a million index updates."""
    for statement in PG_DROP:
        connection.exec_driver_sql(statement)
    done = 0
    for rows in _stored_with_posts(connection, batch):
        connection.execute(text(
            "UPDATE archive_messages m SET search_vector = to_tsvector('simple', d.doc) "
            "FROM unnest(CAST(:ids AS bigint[]), CAST(:docs AS text[])) AS d(id, doc) WHERE m.id = d.id"), {
            "ids": [r[0] for r in rows],
            "docs": [pg_document(content, message_marks(kind, in_post=bool(in_post), solved=bool(solved),
                                                        country=country, topic=topic))
                     for _mid, content, kind, in_post, solved, country, topic in rows]})
        done += len(rows)
    connection.exec_driver_sql(PG_DDL[1])
    return done


async def purge(session: AsyncSession) -> None:
    """Rewrite the index so entries of deleted messages are gone from its storage, not only
    hidden. SQLite's FTS5 records a deletion as a new "delete" entry next to the old tokens; only
    a merge drops both, and 'optimize' merges every segment into one. It rewrites the whole index
    (seconds at a million messages), so call it after a forget, not after every live deletion.
    PostgreSQL keeps the vector in the row itself: nothing to do here (see :func:`vacuum`).
    The dedicated engine, when configured, is noted to build itself again (db/search_index.py)."""
    await record_changes(session, [PURGE_NOTE])
    if dialect(session) == "postgresql":
        return
    for table in SQLITE_TABLES:
        await session.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))


VACUUM_TABLES = ("archive_messages", "qa_questions")


async def vacuum(engine: AsyncEngine, tables: Sequence[str] = VACUUM_TABLES) -> bool:
    """After a purge is committed: make the file itself let go of deleted text.

    SQLite: with ``secure_delete`` on, freed pages are already zeroed in the database, but the
    write-ahead log still holds older copies of them until a checkpoint; TRUNCATE copies it back
    and empties it. PostgreSQL: VACUUM marks the dead rows' space reusable (their bytes stay
    until overwritten; VACUUM FULL would rewrite the table under an exclusive lock). VACUUM
    refuses to run inside a transaction, hence the AUTOCOMMIT connection. Returns False when a
    reader kept SQLite from emptying the log (try again once it is idle)."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables:
                await auto.exec_driver_sql(f'VACUUM "{table}"')
        return True
    async with engine.connect() as conn:
        row = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    # row[0] (busy): another connection was reading, so the log could not be emptied.
    return not row[0]


class Candidate(NamedTuple):
    """One match (a tuple: up to 1,500 are made per search, dataclasses cost 10x more)."""

    message_id: int
    score: float  # higher is better
    solved: bool
    expanded: bool = False  # found only through names the glossary added, not the words as typed
    thread_id: int | None = None  # the Q&A post (or thread) it belongs to


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    author_id: int | None = None
    # the question's country tag is one of these spellings (a country has several: "Lao PDR", "Laos")
    countries: tuple[str, ...] = ()
    topic: str | None = None
    solved: bool | None = None
    after: datetime | None = None
    before: datetime | None = None
    # only what the public web site may show: messages of solved Q&A posts whose asker and whose own
    # author both consent to publishing (cogs/qa/public.py applies the rest of its rule)
    published_only: bool = False


def _filter_sql(f: SearchFilters, params: dict[str, Any], *, marked: bool) -> str:
    """The filters as SQL on the matched rows; ``marked``: the index's marks check what they can
    (SQLite, :func:`_filter_marks`) and only the rest is left here."""
    clauses = []
    if f.kinds and not marked:
        names = []
        for i, k in enumerate(f.kinds):
            params[f"kind{i}"] = k
            names.append(f":kind{i}")
        clauses.append(f"m.kind IN ({', '.join(names)})")
    if f.author_id is not None:
        params["author_id"] = f.author_id
        clauses.append("m.author_id = :author_id")
    if f.countries and not marked:
        names = []
        for i, name in enumerate(f.countries):
            params[f"country{i}"] = name
            names.append(f"lower(:country{i})")
        clauses.append(f"lower(q.country) IN ({', '.join(names)})")
    if f.topic is not None and not marked:
        params["topic"] = f.topic
        clauses.append("lower(q.topic) = lower(:topic)")
    if f.solved is True and not marked:
        clauses.append("q.solved_at IS NOT NULL")
    elif f.solved is False:
        clauses.append("q.thread_id IS NOT NULL" if marked else "q.thread_id IS NOT NULL AND q.solved_at IS NULL")
    if f.published_only:
        params["published"] = True
        consented = "SELECT p.user_id FROM user_preferences p WHERE p.publish_web = :published"
        post = "" if marked else "m.kind IN ('question', 'answer') AND q.solved_at IS NOT NULL AND "
        clauses.append(f"{post}q.author_id <> 0 AND q.author_id IN ({consented}) AND m.author_id IN ({consented})")
    return "".join(f" AND {c}" for c in clauses)


def _any_mark(marks: Iterable[str | None]) -> str | None:
    quoted = list(dict.fromkeys(_fts_quote(m) for m in marks if m))
    if not quoted:
        return None
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


POST_KINDS = ("question", "answer")


def filter_marks(f: SearchFilters, *, in_posts: bool = False, solved_only: bool = False,
                 ) -> tuple[list[tuple[list[str | None], str]], bool]:
    """The marks the filters ask for: groups of which every match must have one mark (with the
    mark to ask for when a group has none: a country or topic with no letters or digits, which no
    message has, so nothing matches), and whether it must not have the solved mark (unsolved posts).
    ``in_posts``: asked of the posts index, where every message is a question or an answer."""
    kinds = f.kinds
    if f.published_only or f.solved is False:  # only messages of Q&A posts can be either
        kinds = tuple(k for k in kinds or POST_KINDS if k in POST_KINDS) or ("none",)
    if in_posts and set(POST_KINDS) <= set(kinds):
        kinds = ()
    groups: list[tuple[list[str | None], str]] = []
    if kinds:
        groups.append(([kind_mark(k) for k in kinds], _KIND_MARK))
    if f.countries:
        groups.append(([country_mark(c) for c in f.countries], _COUNTRY_MARK))
    if f.topic is not None:
        groups.append(([topic_mark(f.topic)], _TOPIC_MARK))
    if f.solved is True or f.published_only or solved_only:
        groups.append(([SOLVED_MARK], SOLVED_MARK))
    return groups, f.solved is False


def _filter_marks(f: SearchFilters, *, in_posts: bool) -> tuple[list[str], str | None]:
    """The filters as FTS5 terms every match must have, and one it must not (unsolved posts)."""
    groups, unsolved = filter_marks(f, in_posts=in_posts)
    required = [_any_mark(marks) or _fts_quote(missing) for marks, missing in groups]
    return required, (_fts_quote(SOLVED_MARK) if unsolved else None)


def _message_id_bound(when: datetime) -> int:
    # Discord ids encode their time: a range on the id is a range on the date, and both
    # engines can apply it inside the full-text scan.
    return snowflake_at(when)


DISCORD_EPOCH_MS = 1420070400000


def snowflake_at(when: datetime) -> int:
    """The smallest Discord id created at ``when`` (ids are milliseconds since 2015 << 22)."""
    return max(int(when.timestamp() * 1000) - DISCORD_EPOCH_MS, 0) << 22


def snowflake_time(snowflake: int) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def candidate_sql(
    dialect_name: str, terms: Sequence[Part], filters: SearchFilters, *, limit: int, any_term: bool = False,
    solved_only: bool = False, exclude: Sequence[Term] = (), estimate: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """The raw query behind a search (also what the benchmark times on its own): rows of
    (message id, score, solved, expanded, thread id).

    ``solved_only``: only messages of solved Q&A posts, however old (on SQLite through the
    solved mark in the index, so the cost follows the few solved posts, not all matches).
    ``exclude``: the query is a glossary expansion; leave out the messages matching all of these
    terms (the words as typed) and mark the rows expanded.
    ``estimate``: PostgreSQL only, how many rows GIN would give (:func:`pg_estimate`); None walks."""
    params: dict[str, Any] = {}
    # PostgreSQL checks filters by marks only on the searches it answers from GIN (_select_pg)
    marked = dialect_name != "postgresql" or pg_filter_marks(filters, solved_only=solved_only) is not None
    where = _filter_sql(filters, params, marked=marked)
    if filters.after is not None:
        params["after_id"] = _message_id_bound(filters.after)
    if filters.before is not None:
        params["before_id"] = _message_id_bound(filters.before)
    params["limit"] = limit
    if dialect_name == "postgresql":
        sql = _select_pg(terms, where, params, filters, any_term=any_term, solved_only=solved_only, exclude=exclude,
                         estimate=estimate)
    else:
        sql = _select_sqlite(terms, where, params, filters, any_term=any_term, solved_only=solved_only,
                             exclude=exclude)
    return sql, params


# A PostgreSQL search without a marked filter checks the newest PG_WALK messages (of its date range)
# one by one; when those held at least a quarter of what it needs (a common word), the next
# PG_WALK_MORE; only then does the GIN index find the older matches (bench/README.md, "Search on
# PostgreSQL").
PG_WALK = 10_000
PG_WALK_MORE = 30_000
# A search whose GIN matches the column's statistics estimate at no more than PG_GIN_ROWS reads them from
# GIN and keeps the newest (bench/README.md, "Search on PostgreSQL"): reading a few thousand rows
# costs less than walking 40,000 messages for a conjunction of common words that is rare.
PG_GIN_ROWS = 5_000
PG_GIN_CAP = 2_000

_STATS = text(
    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples FROM pg_class c "
    "LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'search_vector' AND s.schemaname = current_schema() "
    "WHERE c.relname = 'archive_messages' AND c.relnamespace = to_regnamespace(current_schema())"
)
PG_STATS_SECONDS = 600.0
DEFAULT_TS_MATCH_SEL = 0.005  # PostgreSQL's own guess for a lexeme it has no statistics of


class _LexemeStats(NamedTuple):
    frequency: dict[str, float]  # share of messages holding each of the most common lexemes
    unknown: float  # the share assumed for any other lexeme (fewer than the least common listed)
    rows: float
    read_at: float


_stats_cache: dict[str, _LexemeStats] = {}


async def _lexeme_stats(connection: Any) -> _LexemeStats:
    """The column's statistics as ANALYZE keeps them (pg_stats: the most common lexemes, up to 10 times
    the statistics target, and their document frequencies), read once per PG_STATS_SECONDS."""
    key = str(connection.engine.url)
    now = time.monotonic()
    cached = _stats_cache.get(key)
    if cached is not None and now - cached.read_at < PG_STATS_SECONDS:
        return cached
    row = (await connection.execute(_STATS)).first()
    elems, freqs, rows = (row if row is not None else (None, None, 0.0))
    frequency: dict[str, float] = {}
    unknown = DEFAULT_TS_MATCH_SEL
    if elems and freqs:
        frequency = dict(zip(elems, freqs[: len(elems)], strict=True))
        # after the lexemes' frequencies come the least and the greatest of them
        unknown = min(DEFAULT_TS_MATCH_SEL, freqs[len(elems)] / 2)
    stats = _LexemeStats(frequency, unknown, max(float(rows or 0.0), 0.0), now)
    _stats_cache[key] = stats
    return stats


def _share(stats: _LexemeStats, token: str, prefix: bool = False) -> float:
    lexeme = pg_token(token)
    if prefix:
        listed = sum(f for name, f in stats.frequency.items() if name.startswith(lexeme))
        return min(1.0, max(listed, stats.unknown))
    return stats.frequency.get(lexeme, stats.unknown)


def _term_share(stats: _LexemeStats, t: Term) -> float:
    """A phrase's share: its words as independent (the planner's way), but the overlapping bigrams of a
    run in a script written without spaces as the rarest of them: they stand together in every
    message that has the word, and multiplying them (the planner's estimate) says 1 row for a
    common Thai word."""
    bigrams, share = [], 1.0
    for i, token in enumerate(t.tokens):
        last = t.prefix and i == len(t.tokens) - 1
        if is_unsegmented(token) and not last:
            bigrams.append(_share(stats, token))
        else:
            share *= _share(stats, token, prefix=last)
    return share * (min(bigrams) if bigrams else 1.0)


def _any_share(shares: Iterable[float]) -> float:
    """The share of messages with at least one of these (as independent)."""
    return 1.0 - math.prod(1.0 - share for share in shares)


def _part_share(stats: _LexemeStats, part: Part) -> float:
    if isinstance(part, Term):
        return _term_share(stats, part)
    return _any_share(math.prod(_part_share(stats, t) for t in option) for option in part.options)


async def pg_estimate(connection: Any, terms: Sequence[Part], *, any_term: bool = False) -> int:
    """About how many messages GIN gives for these terms, from the column's statistics: no rows read.
    Rough (words as independent); it only chooses between two plans that return the same newest
    matches. A glossary expansion's exclusion is left out (it only removes rows)."""
    stats = await _lexeme_stats(connection)
    shares = (_part_share(stats, p) for p in terms)
    share = _any_share(shares) if any_term else math.prod(shares)
    return int(share * stats.rows)


def _select_pg(
    terms: Sequence[Part], where: str, params: dict[str, Any], filters: SearchFilters, *,
    any_term: bool, solved_only: bool, exclude: Sequence[Term], estimate: int | None = None,
) -> str:
    """GIN gives a search's matches in no order: the newest 500 of 60,000 matches of a common word
    cost every match's row. So: when a filter has a mark in the index (solved, Q&A, country, topic),
    GIN intersects the words with it and only the few rows left are read. Otherwise the newest
    messages are checked one by one, newest first, stopping at ``limit`` matches: ``PG_WALK`` of
    them, then ``PG_WALK_MORE`` when the first ones were dense in matches (a common word); only
    when they hold too few does GIN find the older matches (then they are few: rare words).
    ``estimate`` (:func:`pg_estimate`, from the column's statistics) at most ``PG_GIN_ROWS``: GIN first,
    up to ``PG_GIN_CAP`` matches; fewer are all the matches (two common words rarely together: 5 ms
    instead of a 40,000-row walk), that many means the statistics were wrong and the walk runs.
    ``ts_rank`` is computed for the rows returned only."""
    marked = bool(exclude)
    order = "DESC"
    params["q"] = pg_tsquery(terms, any_term=any_term, exclude=exclude)
    rng = []
    if filters.after is not None:
        rng.append("{t}.id >= :after_id")
    if filters.before is not None:
        rng.append("{t}.id < :before_id")
    if solved_only:
        where += " AND q.solved_at IS NOT NULL"
    where += "".join(" AND " + r.format(t="m") for r in rng)
    columns = "m.id, m.search_vector, q.solved_at IS NOT NULL AS solved, m.thread_id"
    join = "LEFT JOIN qa_questions q ON q.thread_id = m.thread_id"
    marks = pg_filter_marks(filters, solved_only=solved_only)
    indexed = "m.search_vector @@ CAST(:q AS tsquery)"
    if marks is not None:
        params["marks"] = marks
        indexed = "m.search_vector @@ (CAST(:q AS tsquery) && CAST(:marks AS tsquery))"
    found = f"SELECT {columns} FROM archive_messages m {join} WHERE {indexed}{where}"
    rank = f"ts_rank(c.search_vector, CAST(:q AS tsquery)) AS score, c.solved, {'true' if marked else 'false'}"
    if marks is not None:
        # GIN first, always: joined to the posts, the planner may walk a thread_id index instead and
        # check every Q&A message's vector (0.9-1.5 s at 1M); the marks leave few rows to join.
        ranged = "".join(" AND " + r.format(t="m") for r in rng)
        return (f"WITH hits AS MATERIALIZED (SELECT m.* FROM archive_messages m WHERE {indexed}{ranged}) "
                f"SELECT c.id, {rank} AS expanded, c.thread_id FROM (SELECT {columns} FROM hits m {join} WHERE true{where} "
                f"ORDER BY m.id {order} LIMIT :limit) AS c")
    # Few rows from GIN by the statistics (a rare word, or common words whose conjunction the
    # statistics see as rare): GIN first, up to PG_GIN_CAP matches; when it gave fewer, those are all
    # the matches and the newest are kept, no walk. When it gave that many (the statistics were
    # wrong), the walk below runs as without an estimate, having lost at most PG_GIN_CAP rows' reads.
    gin_first = estimate is not None and estimate <= PG_GIN_ROWS and "q." not in where
    gin, full = "", "true"
    if gin_first:
        # (the filters left here are on the message only: kind, author, dates)
        params["gin_cap"] = PG_GIN_CAP
        gin = (f"gin AS MATERIALIZED (SELECT m.id, m.search_vector, m.thread_id FROM archive_messages m "
               f"WHERE {indexed}{where} LIMIT :gin_cap), ")
        full = "(SELECT count(*) FROM gin) >= :gin_cap"
    # a LIMIT of 0 reads nothing: no walk when GIN gave every match (a condition might be
    # evaluated after the walk's own ones, the LIMIT is not)
    walk_limit = f"CASE WHEN {full} THEN :limit ELSE 0 END" if gin_first else ":limit"
    params.update(walk=PG_WALK, walk_more=PG_WALK_MORE, dense=max(1, params["limit"] // 4))
    newest = " AND ".join(r.format(t="w") for r in rng) or "true"
    past = "<" if order == "DESC" else ">"

    def rows(count: str, beyond: str = "") -> str:
        bound = f" AND w.id {past} {beyond}" if beyond else ""
        return f"SELECT w.* FROM archive_messages w WHERE {newest}{bound} ORDER BY w.id {order} LIMIT {count}"

    def edge(offset: str) -> str:
        return f"(SELECT w.id FROM archive_messages w WHERE {newest} ORDER BY w.id {order} OFFSET {offset} - 1 LIMIT 1)"

    matching = f"ts_match_vq(m.search_vector, CAST(:q AS tsquery)){where}"
    found_n = "(SELECT count(*) FROM walked)"
    dense = f"{found_n} >= :dense"
    first, more = edge(":walk"), edge(":walk + :walk_more")
    start = f"(SELECT w.id FROM archive_messages w WHERE {newest} ORDER BY w.id {order} LIMIT 1)"
    # Where the older matches should end, by the density the walk saw (ids grow with time): twice
    # as far back as that many matches need, so GIN's rows are read only in that range first.
    sign = "-" if order == "DESC" else "+"
    reach = (f"LEAST(GREATEST({first}::numeric {sign} ({start} - {first})::numeric * 2 * (:limit - {found_n}) "
             f"/ GREATEST({found_n}, 1), -9e18), 9e18)::bigint")
    near = ">=" if order == "DESC" else "<="
    return (
        f"WITH {gin}walked AS MATERIALIZED (SELECT {columns} FROM ({rows(':walk')}) m {join} WHERE {matching} "
        f"ORDER BY m.id {order} LIMIT {walk_limit}) "
        f"SELECT c.id, {rank} AS expanded, c.thread_id FROM ("
        + (f"(SELECT {columns} FROM gin m {join} WHERE NOT {full} ORDER BY m.id {order} LIMIT :limit) UNION ALL "
           if gin_first else "")
        + f"(SELECT * FROM walked WHERE {full}) UNION ALL "
        f"(SELECT {columns} FROM ({rows(':walk_more', first)}) m "
        f"{join} WHERE {matching} AND {dense} AND {full} ORDER BY m.id {order} LIMIT :limit) UNION ALL "
        f"({found} AND {found_n} > 0 AND NOT {dense} AND {full} AND m.id {past} {first} AND m.id {near} {reach} "
        f"ORDER BY m.id {order} LIMIT :limit) UNION ALL "
        # (no edge: the walk saw every message of the range; GREATEST and LEAST would skip its NULL)
        f"({found} AND {full} AND {first} IS NOT NULL AND m.id {past} CASE WHEN {dense} THEN {more} WHEN {found_n} > 0 "
        f"THEN {reach} ELSE {first} END "
        f"ORDER BY m.id {order} LIMIT :limit)"
        ") AS c LIMIT :limit"
    )


# The relevance of a message found by its words: short messages that hold them all first. In floating
# point: PostgreSQL computes 1.0 / ... in numeric, and asyncpg makes a Decimal of each (confirming 500
# of tantivy's matches at 1M: 3.6 ms, 2.0 ms as double precision).
LENGTH_PRIOR = "1.0 / (1 + length(m.content) / CAST(200 AS DOUBLE PRECISION))"


def _select_sqlite(
    terms: Sequence[Part], where: str, params: dict[str, Any], filters: SearchFilters, *,
    any_term: bool, solved_only: bool, exclude: Sequence[Term],
) -> str:
    flag = "1" if exclude else "0"
    table = POSTS_FTS_TABLE if only_posts(filters) or solved_only else FTS_TABLE
    required, excluded = _filter_marks(filters, in_posts=table == POSTS_FTS_TABLE)
    if solved_only and _fts_quote(SOLVED_MARK) not in required:
        required.append(_fts_quote(SOLVED_MARK))
    match = fts_match(terms, any_term=any_term, exclude=exclude)
    if required:
        match = " AND ".join([f"({match})", *required])
    if excluded:
        match = f"({match}) NOT {excluded}"
    params["q"] = match
    # Relevance is a length prior (short messages that contain all the words first), not FTS5's
    # bm25: bm25 first counts every row matching each phrase in the whole index (its IDF), so a
    # common word or a mark (a kind's mark is on every message) walks its whole posting list:
    # 44 ms at 1M messages for "economy" in discussions, 5 ms without it (bench/README.md).
    score = LENGTH_PRIOR
    if "after_id" in params:
        where += f" AND {table}.rowid >= :after_id"
    if "before_id" in params:
        where += f" AND {table}.rowid < :before_id"
    return (
        f"SELECT m.id, {score} AS score, q.solved_at IS NOT NULL AS solved, {flag} AS expanded, m.thread_id "
        f"FROM {table} JOIN archive_messages m ON m.id = {table}.rowid "
        "LEFT JOIN qa_questions q ON q.thread_id = m.thread_id "
        f"WHERE {table} MATCH :q{where} ORDER BY {table}.rowid DESC LIMIT :limit"
    )


def only_posts(f: SearchFilters) -> bool:
    """Whether only messages of Q&A posts can match these filters (then the posts index answers)."""
    return bool(
        (f.kinds and all(k in POST_KINDS for k in f.kinds)) or f.solved is not None or f.countries
        or f.topic is not None or f.published_only
    )


async def candidates(
    session: AsyncSession, terms: Sequence[Part], filters: SearchFilters, *, limit: int = 1500,
    any_term: bool = False, solved_only: bool = False, exclude: Sequence[Term] = (),
) -> list[Candidate]:
    """The newest ``limit`` matches with their relevance;
    ranking is left to the caller."""
    if not terms:
        return []
    index = session.info.get(SEARCH_INDEX)
    if index is not None:  # the dedicated engine (db/search_index.py), confirmed by the database
        found = await index.candidates(session, terms, filters, limit=limit, any_term=any_term,
                                       solved_only=solved_only, exclude=exclude)
        if found is not None:
            return list(found)
        # (None: it is being built for the first time; the database's own index answers meanwhile)
    connection = await session.connection()
    if dialect(session) == "postgresql":
        # the walk or GIN alone, by how many rows GIN would give (_select_pg); marked filters
        # always go to GIN first, so they need no estimate
        estimate = None
        if pg_filter_marks(filters, solved_only=solved_only) is None:
            estimate = await pg_estimate(connection, terms, any_term=any_term)
        sql, params = candidate_sql("postgresql", terms, filters, limit=limit, any_term=any_term,
                                    solved_only=solved_only, exclude=exclude, estimate=estimate)
        result = await connection.execute(text(sql), params)
        return [Candidate(mid, score or 0.0, bool(solved), bool(wide), thread) for mid, score, solved, wide, thread in result]
    sql, params = candidate_sql(dialect(session), terms, filters, limit=limit, any_term=any_term,
                                solved_only=solved_only, exclude=exclude)
    # Up to 500 rows: read them in one call on the driver's own connection (same transaction);
    # SQLAlchemy's row-by-row adapter costs more than the query for this shape (bench_search).
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is not None and hasattr(driver, "execute_fetchall"):
        rows = await driver.execute_fetchall(sql, params)
    else:
        rows = list(await connection.exec_driver_sql(sql, params))
    return [Candidate(mid, score or 0.0, bool(solved), bool(wide), thread) for mid, score, solved, wide, thread in rows]


# The key of a session's ``info`` holding the dedicated engine, when ``archive.search_engine`` names
# one (db/engine.py Database.use_search_index): then candidates() asks it instead of the database's index.
SEARCH_INDEX = "search_index"
# A session's ``info`` holds here the transaction in which the dedicated engine applied every note
# that session could see (one catch-up per search, not one per candidates() call: ~0.7 ms each); a
# later transaction catches up again, and a note written in the same one (record_changes) takes it away.
CAUGHT_UP = "search_index_caught_up"


async def confirm(session: AsyncSession, ids: Sequence[int], filters: SearchFilters, *, solved_only: bool = False,
                  expanded: bool = False) -> list[Candidate]:
    """Of these message ids (a dedicated engine's matches, newest first), the ones the database has
    and every filter accepts, checked in SQL as the database's own search checks them, in the same
    order, as candidates with the same relevance as SQLite's (a length prior)."""
    params: dict[str, Any] = {}
    where = _filter_sql(filters, params, marked=False)
    if solved_only:
        where += " AND q.solved_at IS NOT NULL"
    query = IdsQuery(
        f"SELECT m.id, {LENGTH_PRIOR}, q.solved_at IS NOT NULL, m.thread_id "
        "FROM archive_messages m LEFT JOIN qa_questions q ON q.thread_id = m.thread_id "
        f"WHERE m.id IN {{ids}}{where}", chunk=len(ids) or 1)
    found = {mid: (score, solved, thread) for mid, score, solved, thread in await query.rows(session, ids, params)}
    return [Candidate(mid, float(found[mid][0]), bool(found[mid][1]), expanded, found[mid][2])
            for mid in ids if mid in found]
