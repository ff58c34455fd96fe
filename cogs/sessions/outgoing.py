"""What a change to a session means on Discord, enqueued in the outbox inside the same
transaction as the change (so it is never lost, and never sent twice). Never imports discord:
cogs/sessions/jobs.py renders and sends each kind.

Keys name the session and its ``sequence`` (bumped on every change), so each edit gets its own
refresh and notices while a retried enqueue of the same change is dropped."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.guild import GuildSettings
from bot.outbox import Outbox
from cogs.sessions.info import TrainingSessionInfo

ANNOUNCE, CREATE_EVENT = "sessions.announce", "sessions.create_event"
REFRESH_POST, REFRESH_EVENT, CHANGE_DM = "sessions.refresh_post", "sessions.refresh_event", "sessions.change_dm"
WAITLIST_DM = "sessions.waitlist_dm"


def announce_key(training_session: TrainingSessionInfo) -> str:
    return f"sessions:announce:{training_session.id}"


def event_key(training_session: TrainingSessionInfo) -> str:
    return f"sessions:event:{training_session.id}"


class SessionOutgoing:
    def __init__(self, config: Config, outbox: Outbox, guild: GuildSettings | None = None):
        self.config = config
        self.guild = guild or GuildSettings(config)  # the announcements channel: /setup, else config.yaml
        self.outbox = outbox

    async def announce(self, session: AsyncSession, training_session: TrainingSessionInfo) -> list[str]:
        """The announcement post and the Discord scheduled event of a session; returns the keys."""
        keys = []
        channel_id = self.guild.current.announcements
        if channel_id and not training_session.message_id:
            await self.outbox.enqueue(session, announce_key(training_session), ANNOUNCE, channel_id=channel_id,
                                      params={"session_id": training_session.id}, expires_at=training_session.end_utc)
            keys.append(announce_key(training_session))
        if self.config.sessions.create_events and self.guild.current.guild_id and not training_session.event_id:
            await self.outbox.enqueue(session, event_key(training_session), CREATE_EVENT,
                                      params={"session_id": training_session.id}, expires_at=training_session.end_utc)
            keys.append(event_key(training_session))
        return keys

    async def reannounce(self, session: AsyncSession, training_session_id: int, deleted_message_id: int) -> str:
        """The announcement was deleted in Discord: post it again (keyed by the deleted message)."""
        key = f"sessions:announce:{training_session_id}:after-{deleted_message_id}"
        await self.outbox.enqueue(session, key, ANNOUNCE, channel_id=self.guild.current.announcements or None,
                                  params={"session_id": training_session_id})
        return key

    async def changed(self, session: AsyncSession, training_sessions: Sequence[TrainingSessionInfo],
                      notify_user_ids: Sequence[int], changed_fields: Sequence[str]) -> list[str]:
        """Bring each announcement and scheduled event in line, and tell the members who RSVPed."""
        keys = []
        for ts in training_sessions:
            where = f"{ts.id}:{ts.sequence}"
            if self.guild.current.announcements:
                keys.append(f"sessions:refresh-post:{where}")
                await self.outbox.enqueue(session, keys[-1], REFRESH_POST, channel_id=self.guild.current.announcements,
                                          params={"session_id": ts.id})
            if self.config.sessions.create_events and self.guild.current.guild_id:
                keys.append(f"sessions:refresh-event:{where}")
                await self.outbox.enqueue(session, keys[-1], REFRESH_EVENT, params={"session_id": ts.id})
        if training_sessions:
            first = training_sessions[0]
            for uid in notify_user_ids:
                key = f"sessions:change:{first.id}:{first.sequence}:{uid}"
                await self.outbox.enqueue(session, key, CHANGE_DM, user_id=uid,
                                          params={"session_id": first.id, "changed": list(changed_fields)})
                keys.append(key)
        return keys

    async def promoted(self, session: AsyncSession, training_session_id: int, user_id: int, entry_id: int) -> str:
        """Tell a member privately that they moved up from the waitlist to Going (keyed by their
        waitlist entry, so the same promotion is told once)."""
        key = f"sessions:waitlist:{training_session_id}:{entry_id}"
        await self.outbox.enqueue(session, key, WAITLIST_DM, user_id=user_id, params={"session_id": training_session_id})
        return key
