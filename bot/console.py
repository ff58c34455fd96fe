"""``python -m bot console``: try the bot in a terminal, with no Discord account.

The real bot (cogs, views, modals, scheduler) runs against the offline gateway that the
tests use; what it sends is printed as readable text. Buttons are pressed by number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import discord
from discord import app_commands

from bot.app import App
from bot.config import Settings
from bot.offline import Call, InteractionResult, OfflineDiscord, boot_offline, render_text

HELP = """\
Type a slash command as you would in Discord, for example:
  /define coop                    /define term:สหกรณ์ language:th
  /resources country:Thailand     /resources query:policy type:policy brief
Options are name:value; text before the first option fills the first one.
  1, 2, ...        press that button on the last message
  ?/define co      show autocomplete suggestions for the option being typed
  :as member|facilitator     act as a plain member or as a facilitator
  :locale th       set your Discord locale (th, vi, id, ru, zh-CN, ja, ko, en-US)
  :say TEXT        post TEXT as a message in #general (:say #channel TEXT for another)
  :commands        list every command     :help   this text     :quit   leave
"""

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


def _readable_timestamps(text: str) -> str:
    """Discord shows <t:…> in each reader's own time; the console shows UTC."""

    def show(m: re.Match[str]) -> str:
        when = datetime.fromtimestamp(int(m.group(1)), UTC)
        if m.group(2) == "R":
            delta = when - datetime.now(UTC)
            minutes = round(delta.total_seconds() / 60)
            return f"in {minutes} min" if minutes >= 0 else f"{-minutes} min ago"
        return when.strftime("%a %d %b %Y %H:%M UTC")

    return _TIMESTAMP.sub(show, text)


_OPTION = re.compile(r"(?:^|\s)([a-z_][a-z0-9_]*):", re.IGNORECASE)


class Console:
    def __init__(
        self, gateway: OfflineDiscord, out: TextIO = sys.stdout, files_dir: Path | None = None,
        stdin: TextIO = sys.stdin,
    ):
        self.gw = gateway
        self.out = out
        self.stdin = stdin
        self.user = gateway.member_id
        self.locale = "en-US"
        self.printed = 0  # index into gateway.calls of what has been shown
        self.buttons: list[tuple[int, str, str]] = []  # (message id, custom id, label)
        self.files_dir = files_dir or Path("data/console-files")
        self._private_tokens: set[str] = set()  # interactions deferred privately

    # ---- output --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def flush(self) -> None:
        """Print every message the bot sent since the last flush."""
        calls = self.gw.calls[self.printed :]
        self.printed = len(self.gw.calls)
        for call in calls:
            self._show(call)

    def _channel_label(self, channel_id: str) -> str:
        ch = self.gw.channels.get(int(channel_id), {})
        if ch.get("type") == 1:
            user = (ch.get("recipients") or [{}])[0]
            return f"DM to {user.get('username', '?')}"
        return f"#{ch.get('name', channel_id)}"

    def _show(self, call: Call) -> None:
        body = call.json if isinstance(call.json, dict) else None
        header = None
        if call.route.endswith("/callback") and body:
            kind = body.get("type")
            data = body.get("data") or {}
            if kind in (4, 7):
                private = " (only you can see this)" if (data.get("flags") or 0) & 64 else ""
                header = f"── reply{private}" if kind == 4 else "── message updated"
                message = data
            elif kind == 5:
                if (data.get("flags") or 0) & 64:
                    self._private_tokens.add(call.path.split("/")[3])
                self.say("── thinking…")
                return
            elif kind == 9:
                return  # the modal is handled by the caller
            else:
                return
        elif call.method in ("POST", "PATCH") and body is not None and (
            call.route.startswith("/webhooks/") or call.route.startswith("/channels/{channel_id}/messages")
        ):
            if call.route.startswith("/channels/"):
                where = self._channel_label(call.path.split("/")[2])
            else:
                is_private = (body.get("flags") or 0) & 64 or call.path.split("/")[3] in self._private_tokens
                where = "reply (only you can see this)" if is_private else "reply"
            header = f"── {'edited ' if call.method == 'PATCH' else ''}{where}"
            message = body
        elif call.route == "/channels/{channel_id}/threads" and body:
            header = f"── new post in {self._channel_label(call.path.split('/')[2])}: {body.get('name')}"
            message = body.get("message") or {}
        elif "scheduled-events" in call.route and body:
            self.say(f"── Discord event {call.method}: {body.get('name', '')}")
            return
        else:
            return
        self.say(header)
        text = _readable_timestamps(render_text(message))
        if text:
            self.say(text)
        for name, data_bytes in call.files:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            target = self.files_dir / Path(name).name
            target.write_bytes(data_bytes)
            self.say(f"[file saved: {target} ({len(data_bytes):,} bytes)]")
        self._remember_buttons(call, message)

    def _remember_buttons(self, call: Call, message: dict[str, Any]) -> None:
        buttons = [
            (c.get("custom_id"), c.get("label") or "")
            for row in message.get("components") or []
            for c in row.get("components", [])
            if c.get("type") == 2
        ]
        if not buttons:
            return
        message_id = self._message_id_for(call, message)
        if message_id is None:
            return
        self.buttons = [(message_id, cid, label) for cid, label in buttons]

    def _message_id_for(self, call: Call, message: dict[str, Any]) -> int | None:
        if message.get("id"):
            return int(message["id"])
        if call.route.endswith("/callback"):
            iid = int(call.path.split("/")[2])
            return self.gw.response_message_ids.get(iid)
        # the last bot message with these components
        for mid in reversed(list(self.gw.messages)):
            if self.gw.messages[mid].get("components") == message.get("components"):
                return mid
        return None

    # ---- input ---------------------------------------------------------------------------
    def _commands(self) -> list[str]:
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
        words = line.lstrip("/").split()
        tree = self.gw.bot.tree  # type: ignore[attr-defined]
        guild = discord.Object(self.gw.guild_id)
        if not words:
            raise ValueError("type a command after /")
        cmd: Any = tree.get_command(words[0], guild=guild) or tree.get_command(words[0])
        if cmd is None:
            raise ValueError(f"no command /{words[0]} — :commands lists them")
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
        values: dict[str, Any] = {}
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
                raise ValueError(f"unexpected text {leading!r}")
            values = {free[0]: leading, **values}
            last = last or free[0]
        converted = {name: self._convert(params[name], value) for name, value in values.items()}
        missing = [p.display_name for p in cmd.parameters if p.required and p.display_name not in converted]
        if missing:
            raise ValueError(f"/{' '.join(path)} needs: {', '.join(missing)} (write them as name:value)")
        return " ".join(path), converted, last

    @staticmethod
    def _convert(param: app_commands.Parameter, value: str) -> Any:
        kind = param.type
        if kind is discord.AppCommandOptionType.integer:
            return int(value)
        if kind is discord.AppCommandOptionType.number:
            return float(value)
        if kind is discord.AppCommandOptionType.boolean:
            return value.lower() in ("true", "yes", "1", "on")
        return value

    async def handle(self, line: str) -> bool:
        """Run one line of input; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", "quit", "exit"):
            return False
        if line in (":help", "help", "/help"):
            self.say(HELP)
        elif line == ":commands":
            self.say("\n".join(self._commands()))
        elif line.startswith(":as "):
            who = line[4:].strip()
            self.user = self.gw.facilitator_id if who.startswith("fac") else self.gw.member_id
            self.say(f"now acting as {'a facilitator' if self.user == self.gw.facilitator_id else 'a member'}")
        elif line.startswith(":locale "):
            self.locale = line[8:].strip()
            self.say(f"locale set to {self.locale}")
        elif line.startswith(":say "):
            await self._say(line[5:])
        elif line.isdigit():
            await self._press(int(line))
        elif line.startswith("?/"):
            await self._complete(line[1:])
        elif line.startswith("/"):
            await self._slash(line)
        else:
            self.say("Commands start with / (try /define coop); :help lists the rest.")
        return True

    async def _say(self, text: str) -> None:
        channel = self.gw.channel_id("general")
        if text.startswith("#"):
            name, _, text = text[1:].partition(" ")
            channel = self.gw.channel_id(name)
        await self.gw.post_message(text, author=self.user, channel_id=channel)
        self.flush()

    async def _slash(self, line: str) -> None:
        try:
            command, options, _ = self.parse(line)
        except ValueError as exc:
            self.say(f"! {exc}")
            return
        result = await self.gw.slash(command, user=self.user, locale=self.locale, **options)
        await self._after(result)

    async def _complete(self, line: str) -> None:
        try:
            command, options, last = self.parse(line)
        except ValueError as exc:
            self.say(f"! {exc}")
            return
        if last is None:
            self.say("! type part of an option value to complete, e.g. ?/define coo")
            return
        result = await self.gw.autocomplete(command, last, user=self.user, locale=self.locale, **options)
        self.printed = len(self.gw.calls)
        choices = result.choices
        self.say("\n".join(f"  {c['name']}" for c in choices) or "  (no suggestions)")

    async def _press(self, number: int) -> None:
        if not 1 <= number <= len(self.buttons):
            self.say("! no such button on the last message")
            return
        message_id, custom_id, label = self.buttons[number - 1]
        if message_id not in self.gw.messages:
            self.say("! that message is gone")
            return
        self.say(f"(pressed {label})")
        result = await self.gw.click(message_id, custom_id, user=self.user, locale=self.locale)
        await self._after(result)

    async def read_line(self, prompt: str) -> str:
        """One line from the person (a prompt on a terminal; echoed when input is piped). '' at the end."""
        loop = asyncio.get_running_loop()
        if self.stdin is sys.stdin and self.stdin.isatty():
            try:
                return await loop.run_in_executor(None, input, prompt) + "\n"
            except EOFError:
                return ""
        line = await loop.run_in_executor(None, self.stdin.readline)
        if line:
            self.out.write(f"{prompt}{line.rstrip()}\n")
        return line

    async def _after(self, result: InteractionResult) -> None:
        self.flush()
        if result.response_type == 9:
            modal = result.modal
            self.say(f"── form: {modal.get('title')}")
            values = {}
            for row in modal.get("components", []):
                for field in row.get("components", []):
                    label = field.get("label", field["custom_id"])
                    hint = "" if field.get("required", True) else " (optional)"
                    values[field["custom_id"]] = (await self.read_line(f"  {label}{hint}: ")).rstrip("\n")
            submitted = await self.gw.submit_modal(modal, values, user=self.user, locale=self.locale)
            await self._after(submitted)


# Ids for a demo server when config.yaml leaves channels and roles unset, so that every
# capability (announcements, Q&A forum, facilitator commands) can be tried at once.
DEMO_IDS = {"announcements": 100000000000000201, "qa_forum": 100000000000000202, "archived": 100000000000000203,
            "facilitators": 100000000000000101, "helpers": 100000000000000102}


def with_demo_server(settings: Settings) -> Settings:
    config = settings.config
    channels = config.channels.model_copy(update={
        "announcements": config.channels.announcements or DEMO_IDS["announcements"],
        "qa_forum": config.channels.qa_forum or DEMO_IDS["qa_forum"],
        "archived": config.channels.archived or [DEMO_IDS["archived"]],
    })
    roles = config.roles.model_copy(update={
        "facilitators": config.roles.facilitators or [DEMO_IDS["facilitators"]],
        "helpers": config.roles.helpers or [DEMO_IDS["helpers"]],
    })
    return settings.model_copy(update={"config": config.model_copy(update={"channels": channels, "roles": roles})})


async def run_console(settings: Settings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    settings = with_demo_server(settings)
    # Library chatter (login, migrations, voice support) would drown the conversation.
    for name in ("discord", "alembic", "apscheduler", "bot"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = await App.create(settings)

    def violation(text: str) -> None:
        print(f"[warning] Discord would reject this: {text}", file=out)

    _bot, gateway = await boot_offline(app, on_violation=violation)
    console = Console(gateway, out, stdin=stdin)
    console.printed = len(gateway.calls)
    out.write("SSE bot console (offline). You are a member; :help for help, :quit to leave.\n")

    async def show_background() -> None:
        # Reminders and announcements sent by scheduled jobs appear while you wait at the prompt.
        while True:
            await asyncio.sleep(0.5)
            console.flush()

    printer = asyncio.create_task(show_background(), name="sse-bg:console-printer")
    try:
        while True:
            line = await console.read_line("> ")
            if not line or not await console.handle(line):
                break
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer
        await gateway.close()
        await app.close()
    return 0

