"""Slash-command names, descriptions and choices in the message catalogues.

``pybabel extract`` finds the strings written as ``locale_str("...")`` in the code; the names of
commands, groups and options are not all written that way (an option's name is its Python
parameter's), so ``extract`` below, registered in babel.cfg, walks the command objects of every
capability and yields each one. Names carry the context ``COMMAND_NAME``: Discord wants them
lowercase without spaces, so they are translated apart from the same word in a sentence, and only
for the languages Discord has a locale for (members of the others see the English names).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from discord import app_commands
from discord.ext import commands

from bot.catalogues import COMMAND_NAME

# Where discord.py asks for a name (as opposed to a description or a choice's label).
NAME_LOCATIONS = {
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
}


def _walk(node: app_commands.Command[Any, ..., Any] | app_commands.Group) -> Iterator[tuple[str | None, str]]:
    yield COMMAND_NAME, node.name
    yield None, str(node.description)
    if isinstance(node, app_commands.Group):
        for child in node.commands:
            yield from _walk(child)
        return
    for parameter in node.parameters:
        yield COMMAND_NAME, parameter.display_name  # as Discord shows it (after app_commands.rename)
        yield None, str(parameter.description)
        for choice in parameter.choices:
            yield None, choice.name


def command_strings() -> Iterator[tuple[str | None, str]]:
    """(context, English text) of every command, group, option and choice the capabilities declare."""
    from bot.capabilities import CAPABILITIES

    for capability in CAPABILITIES:
        if not capability.extension:
            continue
        module = importlib.import_module(capability.extension)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, commands.Cog) and value.__module__ == module.__name__:
                for node in value.__cog_app_commands__:
                    yield from _walk(node)
            elif isinstance(value, app_commands.Command | app_commands.Group) and value.parent is None:
                yield from _walk(value)


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, Any, list[str]]]:
    """A Babel extraction method (babel.cfg): every command string, whichever file triggers it."""
    for context, text in command_strings():
        if not text or text == "…":  # discord.py's placeholder for a missing description
            continue
        if context is None:
            yield 1, "gettext", text, []
        else:
            yield 1, "pgettext", (context, text), []
