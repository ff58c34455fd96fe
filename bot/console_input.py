"""What the console does with a typed slash command before the bot sees it: find the command,
split ``name:value`` options, and convert each value as Discord's client would (types, choices,
ranges, members, channels), so the bot gets only what Discord would send."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

if TYPE_CHECKING:
    from offline import OfflineDiscord

_OPTION = re.compile(r"(?:^|\s)([a-z_][a-z0-9_]*):", re.IGNORECASE)


class SlashInput:
    def __init__(self, gateway: OfflineDiscord, user_id: int):
        self.gw = gateway
        self.user_id = user_id  # who "me" is in member options

    def commands(self) -> list[str]:
        tree = self.gw.bot.tree  # type: ignore[attr-defined]
        names = []
        for cmd in tree.get_commands(guild=discord.Object(self.gw.guild_id)) or tree.get_commands():
            if isinstance(cmd, app_commands.Group):
                names += [f"/{c.qualified_name}" for c in cmd.walk_commands() if isinstance(c, app_commands.Command)]
            elif isinstance(cmd, app_commands.Command):
                names.append(f"/{cmd.name}")
        return sorted(names)

    def parse(self, line: str) -> tuple[str, dict[str, Any], str | None]:
        """'/define coop language:th' -> ('define', {'term': 'coop', 'language': 'th'}, last option name)."""
        command, params, values, last = self.split(line)
        converted = {name: self.convert(params[name], value) for name, value in values.items()}
        missing = [p.display_name for p in params.values() if p.required and p.display_name not in converted]
        if missing:
            raise ValueError(f"/{command} needs: {', '.join(missing)} (write them as name:value)")
        return command, converted, last

    def split(self, line: str) -> tuple[str, dict[str, app_commands.Parameter], dict[str, str], str | None]:
        words = line.lstrip("/").split()
        tree = self.gw.bot.tree  # type: ignore[attr-defined]
        guild = discord.Object(self.gw.guild_id)
        if not words:
            raise ValueError("type a command after /, e.g. /define coop")
        cmd: Any = tree.get_command(words[0], guild=guild) or tree.get_command(words[0])
        if cmd is None:
            close = sorted({c.split()[0] for c in self.commands() if c[1:].startswith(words[0][:3])})
            hint = f" — did you mean {', '.join(close[:5])}?" if close else " — :commands lists them"
            raise ValueError(f"no command /{words[0]}{hint}")
        path = [words[0]]
        rest = line.lstrip("/")[len(words[0]) :].lstrip()
        while isinstance(cmd, app_commands.Group):
            sub_words = rest.split()
            child = cmd.get_command(sub_words[0]) if sub_words else None
            if child is None:
                options = ", ".join(c.name for c in cmd.commands)
                raise ValueError(f"/{cmd.qualified_name} needs a subcommand: {options}")
            cmd = child
            path.append(sub_words[0])
            rest = rest[len(sub_words[0]) :].lstrip()
        params = {p.display_name: p for p in cmd.parameters}  # what Discord shows and sends
        values: dict[str, str] = {}
        markers = [m for m in _OPTION.finditer(rest) if m.group(1) in params]
        leading = rest[: markers[0].start()].strip() if markers else rest.strip()
        last = None
        for i, m in enumerate(markers):
            end = markers[i + 1].start() if i + 1 < len(markers) else len(rest)
            values[m.group(1)] = rest[m.end() : end].strip()
            last = m.group(1)
        if leading:
            free = [p.display_name for p in cmd.parameters if p.display_name not in values]
            if not free:
                raise ValueError(f"unexpected text {leading!r}: every option of /{' '.join(path)} is already given")
            values = {free[0]: leading, **values}
            last = last or free[0]
        return " ".join(path), params, values, last

    def convert(self, param: app_commands.Parameter, value: str) -> Any:
        """What Discord's client would let through: it checks types, choices and ranges before sending."""
        kind = param.type
        name = param.name
        option = discord.AppCommandOptionType
        if param.choices:
            for choice in param.choices:
                if value.casefold() in (choice.name.casefold(), str(choice.value).casefold()):
                    return choice.value
            raise ValueError(f"{name}: choose one of {', '.join(c.name for c in param.choices)}")
        if kind is option.integer or kind is option.number:
            try:
                number: float = int(value) if kind is option.integer else float(value)
            except ValueError:
                raise ValueError(f"{name}: expected a {'whole ' if kind is option.integer else ''}number, "
                                 f"got {value!r}") from None
            if param.min_value is not None and number < param.min_value:
                raise ValueError(f"{name}: at least {param.min_value}")
            if param.max_value is not None and number > param.max_value:
                raise ValueError(f"{name}: at most {param.max_value}")
            return number
        if kind is option.boolean:
            if value.lower() in ("true", "yes", "1", "on"):
                return True
            if value.lower() in ("false", "no", "0", "off"):
                return False
            raise ValueError(f"{name}: answer true or false")
        if kind in (option.user, option.mentionable):
            return self.member(name, value)
        if kind is option.channel:
            return self.channel(name, value)
        if kind is not option.string:
            raise ValueError(f"{name}: the console cannot fill {kind.name} options yet")
        # for text options discord.py keeps the length limits in min_value/max_value
        if param.min_value is not None and len(value) < param.min_value:
            raise ValueError(f"{name}: at least {param.min_value} characters")
        if param.max_value is not None and len(value) > param.max_value:
            raise ValueError(f"{name}: at most {param.max_value} characters")
        return value

    def member(self, option: str, value: str) -> int:
        wanted = value.strip().lstrip("@").removeprefix("<@").removesuffix(">").strip()
        if wanted.casefold() in ("me", "you", "myself"):
            return self.user_id
        if wanted.isdigit():
            return int(wanted)
        for uid, user in self.gw.users.items():
            if user["username"].casefold() == wanted.casefold():
                return uid
        names = ", ".join(["me", *(u["username"] for uid, u in self.gw.users.items() if uid != self.user_id)])
        raise ValueError(f"{option}: no member {value!r}; members here: {names}")

    def channel(self, option: str, value: str) -> int:
        wanted = value.strip().removeprefix("<#").removesuffix(">").lstrip("#")
        if wanted.isdigit() and int(wanted) in self.gw.channels:
            return int(wanted)
        for cid, ch in self.gw.channels.items():
            if ch.get("name") == wanted:
                return cid
        raise ValueError(f"{option}: no channel #{wanted} — :channels lists them")
