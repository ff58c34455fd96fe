"""The capability record: everything one capability contributes, declared in one place.

A capability is one folder under ``cogs/`` (its cog, ui, services and tables) and one
record, ``CAPABILITY`` in that folder's ``__init__.py``; ``bot/capabilities.py`` lists the
records, and the App, the bot, the scheduler, ``/privacy``, the weekly digest and the CLI are
all built from that list. Building the App from the records needs no Discord connection: the
CLI and the web use the same records.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import Config, Settings
    from bot.content import Content
    from bot.digest import DigestProvider
    from bot.guild import GuildSettings
    from bot.outbox import Outbox
    from db.engine import Database


def lazy(target: str) -> Callable[..., Awaitable[Any]]:
    """``"package.module:function"`` as an async function imported on its first call.

    Records name their Discord-side functions (jobs, delivery handlers) this way, so reading the
    records (the CLI, the web, the layering test) never imports discord."""
    module_name, _, attr = target.partition(":")
    loaded: list[Callable[..., Awaitable[Any]]] = []

    async def call(*args: Any, **kwargs: Any) -> Any:
        if not loaded:
            loaded.append(getattr(importlib.import_module(module_name), attr))
        return await loaded[0](*args, **kwargs)

    call.__qualname__ = call.__name__ = target
    return call


@dataclass(frozen=True)
class ServiceContext:
    """What a capability's services are built from; ``get`` returns a service built earlier."""

    settings: Settings
    content: Content
    db: Database
    outbox: Outbox
    capabilities: Sequence[Capability]
    guild: GuildSettings  # the server's effective settings (bot/guild.py): read ``guild.current``
    get: Callable[[type[Any]], Any]

    @property
    def config(self) -> Config:
        return self.settings.config


@dataclass(frozen=True)
class PrivacyLine:
    """One line of ``/privacy show``: how many records of one kind are stored about the member."""

    label: str  # plural noun phrase, in the reader's language: _("session RSVPs") (shown "label: count")
    count: int
    first: datetime | None = None
    last: datetime | None = None


@dataclass(frozen=True)
class PrivacyHook:
    """What one capability stores about a member, a copy of it, and forgetting it.

    ``columns`` names every (table, column) holding a member's id that this hook covers; a test
    fails when a table has such a column and no hook claims it, so nothing is kept by accident."""

    columns: Sequence[tuple[str, str]]
    show: Callable[[AsyncSession, int], Awaitable[Sequence[PrivacyLine]]]
    export: Callable[[AsyncSession, int], Awaitable[Mapping[str, Any]]]
    forget: Callable[[AsyncSession, int], Awaitable[int]]  # how many records were deleted or anonymised
    # Optional work after the forget transaction committed (e.g. rewriting a search index and
    # vacuuming so the text is gone from the database file too).
    after_forget: Callable[[Database], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Job:
    """A timer on the one scheduler, started with the bot. ``run`` receives the running bot.

    Exactly one of ``every_seconds`` (a function of the config, so intervals stay configurable)
    and ``weekly`` (weekday and HH:MM in the community's time zone) is set."""

    id: str
    run: Callable[[Any], Awaitable[object]]
    every_seconds: Callable[[Config], float] | None = None
    weekly: Callable[[Config], tuple[str, str] | None] | None = None  # None: job disabled
    when: Callable[[Config], bool] | None = None  # False: the config turns the job's feature off


@dataclass(frozen=True)
class DeliveryKind:
    """How one kind of outbox row is sent. ``send`` receives the running bot and the leased row
    (bot/outbox.py ``Outgoing``), makes the Discord call and returns the id of what Discord created
    (or None); it raises ``DeliveryDropped`` when there is nothing to send any more."""

    send: Callable[[Any, Any], Awaitable[int | None]]
    # named in the one log line written when Discord answers 403 for this kind of delivery
    needs: str = "View Channel and Send Messages"


class DeliveryDropped(Exception):
    """Raised by a delivery handler: the delivery is no longer wanted (e.g. the session was cancelled)."""


@dataclass(frozen=True)
class Need:
    """A Discord permission the capability needs, where, and why (shown by ``invite`` and ``doctor``).

    ``flag`` is a ``discord.Permissions`` attribute name (``send_messages_in_threads``); ``where``
    is a configured place: ``guild`` (server-wide), ``announcements``, ``qa_forum``, ``archived``
    (each opted-in channel), ``digest`` (the digest channel, else announcements), ``plans`` (each
    channel or thread of ``plans.channels``) or ``plans_summary`` (``plans.summary_channel``); in a
    thread, ``send_messages`` is checked as Send Messages in Threads. ``when`` leaves
    the need out for a config that turns its feature off (e.g. ``sessions.create_events: false``).
    ``why`` is marked ``N_("...")`` in the record and translated where it is shown (bot/access.py)."""

    flag: str
    where: str
    why: str
    when: Callable[[Config], bool] | None = None


@dataclass(frozen=True)
class Capability:
    name: str
    # the discord.py extension (module path) whose setup() adds the cog and its components
    extension: str | None = None
    # builds the capability's services once; the App keeps them by type (``app.service(T)``)
    services: Callable[[ServiceContext], Iterable[object]] | None = None
    jobs: Sequence[Job] = ()
    # outbox row kind -> how to send it (everything the capability posts on its own goes there)
    deliveries: Mapping[str, DeliveryKind] = field(default_factory=dict)
    # saved-query kind -> async (bot, stored query, page) -> (embed, page, pages[, items]): renders a page
    # of a paginated reply when its ◀ / ▶ button is pressed; items are that page's own buttons (bot/ui/pager.py)
    pagers: Mapping[str, Callable[..., Awaitable[Any]]] = field(default_factory=dict)
    digest: Sequence[DigestProvider] = ()
    privacy: PrivacyHook | None = None
    # adds this capability's ``python -m bot`` subcommands; each sets ``func(args) -> exit code``
    cli: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None
    # the Discord permissions it needs, where and why: the invite URL and the permission check
    permissions: Sequence[Need] = ()
    # called once the App is built (e.g. to re-add stored session materials to the catalogue)
    on_start: Callable[[App], Awaitable[None]] | None = None
    # "package.module:function": the capability's pages and feeds on the public web site. The web
    # server (bot/web/) imports it and calls ``function(app)`` for a list of Starlette routes, so
    # reading the records (the bot, the CLI) never imports the web stack.
    web: str | None = None
    # "package.module:function": the capability's sections of the monitoring and evaluation report
    # (bot/report.py). ``async function(session, period) -> Sequence[Section]`` counts in SQL;
    # imported on first use, like ``web``.
    report: str | None = None
