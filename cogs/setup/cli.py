"""``python -m bot invite`` and ``python -m bot doctor``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bot import access
from bot.app import App
from bot.capability import lazy
from bot.catalogues import _, ngettext, use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app, settings_of

# guild, roles, channels and the bot's member over REST (the Discord side, imported when run)
places_over_rest = lazy("cogs.setup.jobs:places_over_rest")


def client_id_of(args: argparse.Namespace) -> int | None:
    """``--client-id``, else ``DISCORD_APPLICATION_ID``, else read from ``DISCORD_TOKEN`` (its first part
    is the bot's id, which is its application's id): no network needed."""
    if args.client_id:
        return int(args.client_id)
    env = (os.environ.get("DISCORD_APPLICATION_ID") or "").strip()
    if env.isdigit():
        return int(env)
    token = settings_of(args).token
    return access.client_id_from_token(token) if token else None


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.capabilities import CAPABILITIES

    config = settings_of(args).config
    client_id = client_id_of(args)
    if client_id is None:
        print("error: no application id: pass --client-id (Developer Portal > your application > "
              "Application ID), set DISCORD_APPLICATION_ID, or set DISCORD_TOKEN", file=sys.stderr)
        return 2
    needs = access.active_needs(CAPABILITIES, config)
    value = access.invite_permissions(CAPABILITIES, config)
    url = access.invite_url(client_id, value)
    # --json keeps the English words (scripts read it); the text is in --lang
    data = {"url": url, "client_id": client_id, "permissions": value,
            "needs": [{"capability": name, "flag": n.flag, "label": access.label(n.flag), "where": n.where,
                       "why": n.why} for name, n in needs]}
    with use_language(cli_language(args)):
        by_flag: dict[str, list[str]] = {}
        for name, need in needs:
            # TRANSLATORS: "qa, in the Q&A forum: create a post for each /ask question"
            by_flag.setdefault(need.flag, []).append(_("{capability}, in {place}: {why}").format(
                capability=name, place=access.where_words(need.where), why=_(need.why)))
        lines = [url, "", _("Permissions asked for ({value}), and why:").format(value=value)]
        for flag, reasons in by_flag.items():
            lines.append(f"  {access.label(flag)}")
            lines.extend(f"    - {r}" for r in reasons)
        emit(args, data, "\n".join(lines))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if not settings.token:
        print("error: DISCORD_TOKEN is not set; doctor asks Discord what the bot may do", file=sys.stderr)
        return 2

    async def go(app: App) -> int:
        async with app.db.begin() as session:
            effective = await app.guild.refresh(session)
        if not effective.guild_id:
            print("error: no server chosen: set guild_id in config.yaml, or run /setup in the server", file=sys.stderr)
            return 2
        assert settings.token is not None
        places = await places_over_rest(settings.token, effective, app.config)
        findings = access.check(app.capabilities, app.config, places)
        bad = access.problems(findings)
        data: dict[str, Any] = {"guild_id": effective.guild_id, "problems": len(bad), "findings": [
            {"capability": f.capability, "where": f.where, "channel_id": f.channel_id, "permission": f.flag,
             "ok": f.ok, "text": f.text} for f in findings]}  # text: in --lang, like the lines
        lines = [("ok    " if f.ok else "FIX   ") + f.text for f in findings]
        lines.append(ngettext("{count} problem.", "{count} problems.", len(bad)).format(count=len(bad)) if bad
                     else _("Everything the bot needs is allowed."))
        emit(args, data, "\n".join(lines))
        return 1 if bad else 0

    with use_language(cli_language(args)):
        return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invite = sub.add_parser("invite", help="the OAuth2 URL that adds the bot with exactly the permissions it needs")
    invite.add_argument("--client-id", help="the application id (default: $DISCORD_APPLICATION_ID, else from the token)")
    invite.add_argument("--json", action="store_true")
    add_language_option(invite)
    invite.set_defaults(func=cmd_invite)
    doctor = sub.add_parser("doctor", help="ask Discord what the bot can and cannot do in each configured channel")
    doctor.add_argument("--json", action="store_true")
    add_language_option(doctor)
    doctor.set_defaults(func=cmd_doctor)


