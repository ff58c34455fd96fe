"""The confirmation buttons of /privacy forget."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, _
from bot.errors import NotAllowed
from bot.ui.common import DynamicView, guarded, with_note
from cogs.privacy.service import PrivacyService
from cogs.privacy.ui import forgotten_text
from cogs.search.writer import ArchiveWriter


class ForgetButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"sse:privacy:(?P<action>forget|cancel):(?P<user>\d+)"):
    LABELS = {True: N_("Yes, forget my messages"), False: N_("Cancel")}

    def __init__(self, user_id: int, confirm: bool):
        action = "forget" if confirm else "cancel"
        super().__init__(discord.ui.Button(
            label=_(self.LABELS[confirm]),
            style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
            custom_id=f"sse:privacy:{action}:{user_id}",
        ))
        self.user_id = user_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["user"]), match["action"] == "forget")

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.act(interaction))

    async def act(self, interaction: discord.Interaction[SSEBot]) -> None:
        # The id names whose data goes; only that member may press, whoever sees the message.
        if interaction.user.id != self.user_id:
            raise NotAllowed(_("Only the member who asked can confirm this."))
        if not self.confirm:
            await interaction.response.edit_message(content=with_note(_("Cancelled: nothing was deleted.")), view=None)
            return
        app = interaction.client.app
        await app.service(ArchiveWriter).flush()
        service = app.service(PrivacyService)
        async with app.db.begin() as session:
            result = await service.forget(session, self.user_id)
        await interaction.response.edit_message(content=with_note(forgotten_text(result)), view=None)
        await service.after_forget(app.db)


def forget_view(user_id: int) -> discord.ui.View:
    view = DynamicView()
    view.add_item(ForgetButton(user_id, True))
    view.add_item(ForgetButton(user_id, False))
    return view


COMPONENTS = (ForgetButton,)
