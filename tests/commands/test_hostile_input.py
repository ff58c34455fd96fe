"""Every parameter of every knowledge command, fed hostile text: a clear private answer,
no exception, no ping."""

from __future__ import annotations

import pytest

from offline import OfflineDiscord

HOSTILE = {
    "empty": "",
    "spaces": "   \t ",
    "huge": "ก" * 10_000,
    "zero-width": "\u200b\u200c\u200d\u2060\ufeff",
    "mixed-script": "coopสหกรณ์合作社кооп\u0301",
    "markdown": "**bold** __u__ ~~s~~ `x` > quote [link](https://x.invalid)",
    "mentions": "@everyone @here <@&900000000000000101> <@1> <#2>",
}

PARAMETERS = [
    ("define", "term", {}),
    ("define", "language", {"term": "coop"}),
    ("resources", "query", {}),
    ("resources", "country", {}),
    ("resources", "topic", {}),
    ("resources", "type", {}),
    ("resources", "language", {}),
    ("glossary browse", "letter", {}),
    ("glossary browse", "topic", {}),
    ("glossary browse", "country", {}),
    ("glossary browse", "language", {}),
    ("glossary review", "language", {}),
    ("country", "name", {}),
    ("country", "language", {"name": "Laos"}),
]


@pytest.mark.parametrize(("command", "param", "others"), PARAMETERS)
@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_hostile_text_in_every_parameter(
    gw: OfflineDiscord, command: str, param: str, others: dict[str, str], kind: str
) -> None:
    result = await gw.slash(command, **{**others, param: HOSTILE[kind]})
    callback = result.callback
    assert callback is not None, "every interaction is answered"
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}, "no ping, ever"
    text = result.text
    assert text.strip(), "never an empty reply"
    for live in ("@everyone", "@here", "<@&900000000000000101>"):
        assert live not in text
    assert len(text) < 6000


@pytest.mark.parametrize(("command", "param", "others"), [p for p in PARAMETERS if p[:2] != ("resources", "query")])
async def test_hostile_text_in_autocomplete(gw: OfflineDiscord, command: str, param: str, others: dict[str, str]) -> None:
    for value in HOSTILE.values():
        result = await gw.autocomplete(command, param, **{**others, param: value})
        assert len(result.choices) <= 25
