"""Text as written with its web addresses made links: sources and notes in content name their
documents with a URL inside the sentence ("ILO news, '…', 18 December 2023, https://ilo.org/…").
Templates loop over the pieces and write each address as ``<a href>``, everything else as text
(Jinja escapes both)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https://[^\s<>\"']+")
_TRAILING = ".,;:)]"


@dataclass(frozen=True)
class Piece:
    text: str
    href: str | None = None  # set for an address (always https://)


def pieces(text: str) -> tuple[Piece, ...]:
    """``text`` split into plain pieces and links; punctuation after an address stays text."""
    out: list[Piece] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if match.start() > at:
            out.append(Piece(text[at:match.start()]))
        out.append(Piece(url, url))
        at = match.start() + len(url)
    if at < len(text):
        out.append(Piece(text[at:]))
    return tuple(out)
