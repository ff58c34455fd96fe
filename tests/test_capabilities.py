"""The capability shape: one record gives a capability its command, privacy hook and digest
section, and no table with a member's id escapes /privacy."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.app import App
from bot.capabilities import CAPABILITIES
from bot.content import Content
from cogs.digest.jobs import post_digest
from db.models import Base
from offline import boot_offline
from tests.toy.capability import CAPABILITY as TOY

# Column names that hold a Discord member's id.
MEMBER_ID = re.compile(r"(^|_)(user|author|owner|target|member)_id$|^(created|recorded|asked|answered)_by$")


async def test_one_extra_record_gives_a_command_a_privacy_hook_and_a_digest_section(
    settings, shipped_content: Content,  # type: ignore[no-untyped-def]
) -> None:
    app = await App.create(settings, content=shipped_content, capabilities=(*CAPABILITIES, TOY))
    bot, gw = await boot_offline(app)
    try:
        said = await gw.slash("hello", user=gw.member_id)
        assert said.ephemeral and "That makes 1" in said.text

        shown = await gw.slash("privacy show", user=gw.member_id)
        assert "toy greetings: 1" in shown.text
        exported = await gw.slash("privacy export", user=gw.member_id)
        assert b'"toy_greetings": 1' in exported.files[0][1]

        assert await post_digest(bot, now=datetime.now(UTC))
        [digest] = [m for m in gw.messages.values() if m["embeds"] and "This week" in m["embeds"][0]["title"]]
        fields = {f["name"]: f["value"] for f in digest["embeds"][0]["fields"]}
        assert "1 hello(s) this week" in fields["Toy greetings"]

        prompt = await gw.slash("privacy forget", user=gw.member_id)
        done = await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
        assert "toy: 1" in done.text
        assert "toy greetings" not in (await gw.slash("privacy show", user=gw.member_id)).text
    finally:
        await gw.close()
        await app.close()
    assert not gw.violations


async def test_without_the_record_the_command_does_not_exist(app: App) -> None:
    bot, gw = await boot_offline(app)
    try:
        assert bot.tree.get_command("hello", guild=bot.guild_scope) is None
        assert bot.tree.get_command("define", guild=bot.guild_scope) is not None
    finally:
        await gw.close()


def test_every_column_holding_a_member_id_is_covered_by_a_privacy_hook() -> None:
    covered = {col for c in CAPABILITIES if c.privacy for col in c.privacy.columns}
    holding = {(t.name, col.name) for t in Base.metadata.sorted_tables for col in t.columns if MEMBER_ID.search(col.name)}
    assert holding, "the pattern finds the member-id columns that exist today"
    assert holding - covered == set(), "these tables keep a member's id that /privacy forget would miss"
    existing = {(t.name, col.name) for t in Base.metadata.sorted_tables for col in t.columns}
    assert covered - existing == set(), "a privacy hook names a column that does not exist"


def test_a_new_member_table_without_a_hook_is_caught() -> None:
    """The check above is not vacuous: a table with a user_id column and no hook fails it."""
    from sqlalchemy import BigInteger, Column, MetaData, Table

    scratch = MetaData()
    Table("toy_notes", scratch, Column("id", BigInteger, primary_key=True), Column("user_id", BigInteger))
    covered = {col for c in CAPABILITIES if c.privacy for col in c.privacy.columns}
    holding = {(t.name, col.name) for t in scratch.sorted_tables for col in t.columns if MEMBER_ID.search(col.name)}
    assert holding - covered == {("toy_notes", "user_id")}


def test_capability_names_and_job_ids_are_unique() -> None:
    names = [c.name for c in CAPABILITIES]
    jobs = [j.id for c in CAPABILITIES for j in c.jobs]
    assert len(names) == len(set(names)) and len(jobs) == len(set(jobs))
