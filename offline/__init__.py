"""An offline Discord for the tests, the benchmarks and ``python -m bot console``.

discord.py runs unchanged; only its two network edges are replaced: raw gateway payloads
are fed to its parsers (``gateway``), and every REST call is recorded and answered from a
route table (``routes``) after checking Discord's payload limits (``limits``). Not part of
the product: the bot never imports this package, only the console does, and lazily.
"""

from offline.boot import boot_offline
from offline.gateway import OfflineDiscord
from offline.limits import (
    autocomplete_violations,
    channel_violations,
    command_violations,
    component_violations,
    message_violations,
    modal_violations,
    scheduled_event_violations,
)
from offline.records import EPHEMERAL_FLAG, Call, InteractionResult, UnknownRoute
from offline.render import render_text
from offline.routes import RouteHandler

__all__ = [
    "EPHEMERAL_FLAG",
    "Call",
    "InteractionResult",
    "OfflineDiscord",
    "RouteHandler",
    "UnknownRoute",
    "autocomplete_violations",
    "boot_offline",
    "channel_violations",
    "command_violations",
    "component_violations",
    "message_violations",
    "modal_violations",
    "render_text",
    "scheduled_event_violations",
]
