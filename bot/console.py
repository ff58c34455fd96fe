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
from typing import TYPE_CHECKING, Any, TextIO, cast

import discord
from discord import app_commands

from bot import background
from bot.app import App
from bot.config import Config, Settings, normalise_database_url
from bot.console_input import SlashInput
from bot.status import outbox_status, retried_text, retry_parked, status_text
from cogs.search.writer import ArchiveWriter

if TYPE_CHECKING:
    # The offline Discord is a harness, not part of the product: loaded only when the console runs.
    from bot.bot import SSEBot
    from offline import Call, InteractionResult, OfflineDiscord

# Every meta command, in the order :help shows them; handle() dispatches from this table, so
# the help can never miss one.
META: list[tuple[str, str, str]] = [
    ("as", "member|helper|facilitator", "change your roles (you stay the same member)"),
    ("locale", "CODE", "your Discord locale: th, vi, id, ru, zh-CN, ja, ko, en-US…"),
    ("say", "[#channel] TEXT", "post a message (default: the archived channel that /search reads)"),
    ("post", "TITLE | TEXT", "start a post in the Q&A forum as yourself; you are then inside it"),
    ("reply", "TEXT", "another member (lan, a helper) replies in the post you are in"),
    ("menu", "NAME", "run a message menu on the latest reply here, e.g. :menu Mark as answer"),
    ("leave", "", "leave the post you are in"),
    ("status", "[retry ID…|all]", "what the bot posts on its own: counts, refused (parked) ones, retry"),
    ("channels", "", "list the channels"),
    ("commands", "", "list every slash command"),
    ("help", "", "this text"),
    ("quit", "", "leave the console"),
]

HELP = """\
Type a slash command as you would in Discord, for example:
  /define coop                    /define term:สหกรณ์ language:th
  /resources country:Thailand     /resources query:policy type:policy brief
  /country ລາວ                    /country name:South Korea language:ko
Options are name:value; text before the first option fills the first one.
Members are named by name (me, lan) and channels by #name.
  1, 2, ...        press that button on the last message
  ?/define co      show autocomplete suggestions for the option being typed
""" + "\n".join(f"  {(f':{name} ' + usage).ljust(34)} {text}" for name, usage, text in META) + "\n"

# The console member keeps one id for good (roles change with :as, the id does not), so what
# you did last time (RSVPs, questions, preferences) is still yours in the console database.
CONSOLE_MEMBER_ID = 100000000000000301
CONSOLE_HELPER_ID = 100000000000000302

log = logging.getLogger(__name__)

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


class Console:
    def __init__(
        self, gateway: OfflineDiscord, config: Config, out: TextIO = sys.stdout, files_dir: Path | None = None,
        stdin: TextIO | None = None,
    ):
        self.gw = gateway
        self.config = config
        self.out = out
        self.stdin = stdin or sys.stdin
        self.user = gateway.add_user("you", user_id=CONSOLE_MEMBER_ID)
        self.input = SlashInput(gateway, self.user)
        self.helper = gateway.add_user("lan", roles=config.roles.helpers[:1], user_id=CONSOLE_HELPER_ID)
        self.role_sets = {"member": [], "helper": config.roles.helpers[:1], "facilitator": config.roles.facilitators[:1]}
        self.locale = "en-US"
        self.channel: int | None = None  # the forum post you are in, for /solved and :reply
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
        from offline import render_text

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

    async def handle(self, line: str) -> bool:
        """Run one line of input; False means quit."""
        try:
            return await self._handle(line.strip())
        except Exception as exc:
            # Whatever a person types, the console stays up; the bot's own errors are logged by it.
            log.debug("console input %r failed", line, exc_info=True)
            self.say(f"! the console could not do that ({type(exc).__name__}: {exc}); :help lists what works")
            return True

    async def _handle(self, line: str) -> bool:
        if not line:
            return True
        if line in ("quit", "exit"):
            return False
        if line == "help":  # /help is the bot's own command; :help is the console's
            line = ":help"
        if line.startswith(":"):
            name, _, arg = line[1:].partition(" ")
            meta = {m[0] for m in META}
            if name == "q":
                name = "quit"
            if name not in meta:
                close = sorted(m for m in meta if m.startswith(name[:2])) if name else []
                hint = f" (did you mean :{', :'.join(close)}?)" if close else ""
                self.say(f"! unknown :{name}{hint} — :help lists the console's commands")
                return True
            if name == "quit":
                return False
            await getattr(self, f"_meta_{name}")(arg.strip())
        elif line.isdigit():
            await self._press(int(line))
        elif line.startswith("?/"):
            await self._complete(line[1:])
        elif line.startswith("?"):
            self.say("! autocomplete is ?/command option:partial, e.g. ?/define co")
        elif line.startswith("/"):
            await self._slash(line)
        else:
            self.say("! commands start with / (try /define coop); :help lists the rest")
        return True

    # ---- meta commands (one method per row of META) --------------------------------------
    async def _meta_help(self, arg: str) -> None:
        self.say(HELP)

    async def _meta_commands(self, arg: str) -> None:
        self.say("\n".join(self.input.commands()))

    async def _meta_channels(self, arg: str) -> None:
        kinds = {0: "text", 15: "forum", 11: "post"}
        self.say("\n".join(f"  #{ch['name']} ({kinds.get(ch['type'], 'other')})" for ch in self.gw.channels.values()
                           if ch.get("name") and ch["type"] in kinds))

    async def _meta_as(self, arg: str) -> None:
        role = arg.casefold()
        matches = [name for name in self.role_sets if name.startswith(role)] if role else []
        if len(matches) != 1:
            self.say(f"! :as {' | '.join(self.role_sets)} (you stay the same member; only your roles change)")
            return
        self.gw.member_roles[self.user] = list(self.role_sets[matches[0]])
        self.say(f"now acting as {'an' if matches[0][0] in 'aeiou' else 'a'} {matches[0]}")

    async def _meta_locale(self, arg: str) -> None:
        known = {loc.value.casefold(): loc.value for loc in discord.Locale}
        aliases = {"en": "en-US", "zh": "zh-CN", "th": "th", "vi": "vi", "id": "id", "ja": "ja", "ko": "ko"}
        locale = known.get(arg.casefold()) or aliases.get(arg.casefold())
        if locale is None:
            self.say(f"! unknown locale {arg!r}; Discord's are: {', '.join(sorted(known.values()))}")
            return
        self.locale = locale
        self.say(f"locale set to {self.locale}")

    async def _meta_say(self, arg: str) -> None:
        channel = self.config.channels.archived[0] if self.config.channels.archived else self.gw.channel_id("general")
        if arg.startswith("#"):
            name, _, arg = arg[1:].partition(" ")
            try:
                channel = self.gw.channel_id(name)
            except KeyError:
                self.say(f"! no channel #{name} — :channels lists them")
                return
        if not arg.strip():
            self.say("! :say [#channel] TEXT")
            return
        await self.gw.post_message(arg.strip(), author=self.user, channel_id=channel)
        # stored by the background writer; wait for it so a /search typed next finds the message
        await cast("SSEBot", self.gw.bot).app.service(ArchiveWriter).flush()
        self.say(f"(posted in {self._channel_label(str(channel))})")
        self.flush()

    async def _meta_post(self, arg: str) -> None:
        title, bar, text = arg.partition("|")
        if not bar or not title.strip() or not text.strip():
            self.say("! :post TITLE | TEXT, e.g. :post Seed funding? | Where do weaving groups find seed money?")
            return
        if not self.config.channels.qa_forum:
            self.say("! no Q&A forum is configured (channels.qa_forum)")
            return
        starter = await self.gw.create_forum_post(title.strip(), text.strip(), author=self.user,
                                                  forum_id=self.config.channels.qa_forum)
        self.channel = int(starter["channel_id"])
        self.say(f"(you are in the post “{title.strip()}”; :reply adds an answer, /solved closes it, :leave leaves)")
        self.flush()

    def _current_post(self) -> int | None:
        if self.channel is None or self.channel not in self.gw.channels:
            self.say("! you are not in a forum post: start one with :post TITLE | TEXT")
            return None
        return self.channel

    async def _meta_reply(self, arg: str) -> None:
        thread = self._current_post()
        if thread is None:
            return
        if not arg:
            self.say("! :reply TEXT")
            return
        await self.gw.post_message(arg, author=self.helper, channel_id=thread)
        self.say("(lan replied in the post)")
        self.flush()

    async def _meta_menu(self, arg: str) -> None:
        tree = self.gw.bot.tree  # type: ignore[attr-defined]
        guild = discord.Object(self.gw.guild_id)
        menus = [c.name for c in [*tree.get_commands(guild=guild), *tree.get_commands()]
                 if isinstance(c, app_commands.ContextMenu) and c.type is discord.AppCommandType.message]
        name = next((m for m in menus if m.casefold() == arg.casefold()), None)
        if name is None:
            self.say(f"! :menu NAME, one of: {', '.join(menus) or '(none)'}")
            return
        thread = self._current_post()
        if thread is None:
            return
        bot_id = int(self.gw.bot_user["id"])
        replies = [m for mid, m in self.gw.messages.items()
                   if int(m["channel_id"]) == thread and mid != thread and int(m["author"]["id"]) != bot_id]
        if not replies:
            self.say("! no reply in this post yet: :reply TEXT adds one")
            return
        result = await self.gw.context_menu(name, replies[-1], user=self.user, locale=self.locale)
        await self._after(result)

    async def _meta_status(self, arg: str) -> None:
        bot = cast("SSEBot", self.gw.bot)
        app = bot.app
        action, _, rest = arg.partition(" ")
        if action == "retry":
            words = rest.split()
            if not words or (words != ["all"] and not all(w.isdigit() for w in words)):
                self.say("! :status retry ID… or :status retry all (ids from :status)")
                return
            retried, missing = await retry_parked(app, None if words == ["all"] else [int(w) for w in words])
            self.say(retried_text(app, retried) + (f" Not parked: {', '.join(map(str, missing))}." if missing else ""))
            bot.delivery.kick()  # the console shows them go out now, not at the next sweep
            return
        if action:
            self.say("! :status, or :status retry ID…|all")
            return
        # the console's database is its own, so the CLI's retry would look in the wrong one
        self.say(status_text(await outbox_status(app), retry=":status retry", every="all"))

    async def _meta_leave(self, arg: str) -> None:
        self.channel = None
        self.say("(back in #general)")

    # ---- slash commands, autocomplete, buttons ---------------------------------------------
    async def _slash(self, line: str) -> None:
        try:
            command, options, _ = self.input.parse(line)
        except ValueError as exc:
            self.say(f"! {exc}")
            return
        result = await self.gw.slash(command, user=self.user, locale=self.locale, channel_id=self.channel, **options)
        await self._after(result)

    async def _complete(self, line: str) -> None:
        try:
            command, params, values, last = self.input.split(line)
        except ValueError as exc:
            self.say(f"! {exc}")
            return
        if last is None:
            self.say("! type part of an option value to complete, e.g. ?/define coo")
            return
        param = params[last]
        typed = values[last]
        if param.choices:
            # Discord's client filters fixed choices itself; the bot is never asked.
            shown = [c.name for c in param.choices if typed.casefold() in c.name.casefold()] or [
                c.name for c in param.choices]
            self.say("\n".join(f"  {name}" for name in shown))
            return
        if not param.autocomplete:
            self.say(f"! {last} has no suggestions; just type the value")
            return
        try:
            options = {name: self.input.convert(params[name], v) for name, v in values.items() if name != last}
        except ValueError as exc:
            self.say(f"! {exc}")
            return
        result = await self.gw.autocomplete(command, last, user=self.user, locale=self.locale,
                                            **options, **{last: typed})
        self.printed = len(self.gw.calls)
        if result.response_type != 8:
            self.say("! the bot sent no suggestions")
            return
        self.say("\n".join(f"  {c['name']}" for c in result.choices) or "  (no suggestions)")

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
                    kept = field.get("value") or ""  # a form opened again, filled in: Enter keeps it
                    if kept:
                        hint += f" [{kept if len(kept) <= 60 else kept[:59] + '…'}; Enter keeps it]"
                    typed = (await self.read_line(f"  {label}{hint}: ")).rstrip("\n")
                    values[field["custom_id"]] = typed or kept
            submitted = await self.gw.submit_modal(modal, values, user=self.user, locale=self.locale,
                                                   channel_id=self.channel)
            await self._after(submitted)
        elif result.callback is None:
            self.say("! the bot did not answer (Discord would show “The application did not respond”)")


# Ids for a demo server when config.yaml leaves channels and roles unset, so that every
# capability (announcements, Q&A forum, facilitator commands) can be tried at once.
DEMO_IDS = {"guild": 100000000000000001, "announcements": 100000000000000201, "qa_forum": 100000000000000202, "archived": 100000000000000203,
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
    # a fixed server id too: links the bot posted last time still point into this server
    # The offline Discord starts empty each time, so its "history" would make reconciliation
    # delete everything stored in earlier console runs as if it had been deleted in Discord.
    archive = config.archive.model_copy(update={"reconcile_days": 0})
    # The health and metrics endpoints belong to the real bot: the console, maybe started beside
    # it, neither takes its port nor answers a health checker for it.
    ops = config.ops.model_copy(update={"http_port": None})
    update = {"channels": channels, "roles": roles, "guild_id": config.guild_id or DEMO_IDS["guild"],
              "archive": archive, "ops": ops}
    return settings.model_copy(update={"config": config.model_copy(update=update)})


DEFAULT_DATABASE = "data/console.db"


def console_database_url(database: str) -> str:
    """A path or a database URL; the console keeps its own so that trying things out never
    writes to the bot's real database."""
    if "://" in database:
        return normalise_database_url(database)
    return f"sqlite+aiosqlite:///{Path(database)}"


async def run_console(
    settings: Settings, stdin: TextIO | None = None, out: TextIO | None = None, *, database: str | None = None,
    web: bool = False,
) -> int:
    """``database`` replaces the configured database (the CLI always passes one, default
    data/console.db); None keeps ``settings.database_url``, as the tests do. With ``web`` (and
    ``web.enabled``) the public site is served next to the console, over the same database."""
    out = out or sys.stdout
    if database is not None:
        settings = settings.model_copy(update={"database_url": console_database_url(database)})
    settings = with_demo_server(settings)
    # Library chatter (login, migrations, voice support) would drown the conversation.
    for name in ("discord", "alembic", "apscheduler", "bot", "cogs"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = await App.create(settings)

    def violation(text: str) -> None:
        print(f"[warning] Discord would reject this: {text}", file=out)

    from offline import boot_offline

    _bot, gateway = await boot_offline(app, on_violation=violation)
    console = Console(gateway, app.config, out, stdin=stdin)
    console.printed = len(gateway.calls)
    out.write(f"SSE bot console (offline, database {_shown(settings.database_url)}). You are a member; "
              ":help for help, :quit to leave.\n")
    site = None
    if web and app.config.web.enabled:
        from bot.web.serve import start_web

        def announce(where: str) -> None:
            out.write(f"web site: {where}\n")

        site = await start_web(app, announce=announce)
        if site is None:
            out.write("[warning] the web site is not served: its port is taken (web.port, SSE_WEB_PORT).\n")

    async def show_background() -> None:
        # Reminders and announcements sent by scheduled jobs appear while you wait at the prompt.
        while True:
            await asyncio.sleep(0.5)
            console.flush()

    printer = background.start_loop(show_background(), "console-printer")
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
        if site is not None:
            await site.stop()
        await gateway.close()
        await app.close()
    return 0



def _shown(url: str) -> str:
    """The database for the banner, without a password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True).removeprefix("sqlite+aiosqlite:///")
