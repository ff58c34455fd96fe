"""/session copy: plan another session like an existing one; only the start is new."""

from __future__ import annotations

from bot.app import App
from cogs.sessions.reading import TrainingSessionService
from offline import OfflineDiscord
from tests.commands.test_sessions import announcements, create, in_days


async def test_copy_plans_a_new_session_with_the_same_settings_and_says_what_it_copied(
        gw: OfflineDiscord, app: App) -> None:
    await create(gw, capacity=30, countries="TH, VN", format="workshop", description="Bylaws, step by step")
    async with app.db.begin() as session:
        [source] = (await app.service(TrainingSessionService).upcoming(session)).items
    result = await gw.slash("session copy", user=gw.facilitator_id, like=str(source.id), start=in_days(10))
    assert result.ephemeral and "Planned **Cooperative law clinic**" in result.text
    assert f"Copied from #{source.id}" in result.text and "30 places" in result.text
    assert "1 h 30 min" in result.text and "https://zoom.us/j/123" in result.text
    async with app.db.begin() as session:
        items = (await app.service(TrainingSessionService).upcoming(session)).items
    copy = next(v for v in items if v.id != source.id)
    same = ("title", "description", "timezone", "format", "languages", "countries", "join_url", "capacity",
            "duration_minutes")
    assert {k: getattr(copy, k) for k in same} == {k: getattr(source, k) for k in same}
    assert copy.start_utc > source.start_utc and copy.series_id is None
    assert len(announcements(gw)) == 2


async def test_copy_can_change_the_title_and_time_zone_and_confirms_a_start_in_words(
        gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    async with app.db.begin() as session:
        [source] = (await app.service(TrainingSessionService).upcoming(session)).items
    ask = await gw.slash("session copy", user=gw.facilitator_id, like=str(source.id), start="next Monday 10am",
                         timezone="Asia/Tokyo", title="Cooperative law clinic, part 2")
    assert "Copied from" in ask.text and "Plan it with this start?" in ask.text
    done = await gw.press(ask, "Yes, that's right", user=gw.facilitator_id)
    assert "Planned **Cooperative law clinic, part 2**" in done.text
    async with app.db.begin() as session:
        items = (await app.service(TrainingSessionService).upcoming(session)).items
    assert {v.timezone for v in items} == {"Asia/Bangkok", "Asia/Tokyo"}


async def test_only_facilitators_copy_and_the_like_option_completes_sessions(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    refused = await gw.slash("session copy", user=gw.member_id, like="1", start=in_days(9))
    assert refused.ephemeral and "Only facilitators" in refused.text
    assert len(announcements(gw)) == 1
    choices = (await gw.autocomplete("session copy", "like", user=gw.facilitator_id, like="clinic")).choices
    assert choices and choices[0]["name"].startswith("#")
