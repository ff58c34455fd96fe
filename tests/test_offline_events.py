"""The offline gateway checks scheduled events as Discord would (the console relies on it too)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from offline import scheduled_event_violations


def event(**changes: object) -> dict[str, object]:
    start = datetime.now(UTC) + timedelta(days=1)
    data: dict[str, object] = {
        "name": "Webinar", "description": "About cooperatives", "entity_type": 3,
        "entity_metadata": {"location": "https://zoom.us/j/1"}, "privacy_level": 2,
        "scheduled_start_time": start.isoformat(), "scheduled_end_time": (start + timedelta(hours=1)).isoformat(),
    }
    data.update(changes)
    return data


def test_a_valid_external_event_passes() -> None:
    assert scheduled_event_violations(event(), creating=True) == []


def test_discord_limits_and_rules_are_reported() -> None:
    start = datetime.now(UTC) + timedelta(days=1)
    assert "name length 101" in scheduled_event_violations(event(name="x" * 101), creating=True)[0]
    assert "> 1000" in scheduled_event_violations(event(description="y" * 1001), creating=True)[0]
    assert "location" in scheduled_event_violations(event(entity_metadata={"location": "z" * 101}), creating=True)[0]
    assert "without scheduled_end_time" in scheduled_event_violations(event(scheduled_end_time=None), creating=True)[0]
    assert "ends before it starts" in scheduled_event_violations(
        event(scheduled_end_time=(start - timedelta(hours=1)).isoformat()), creating=True)[0]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert "in the past" in scheduled_event_violations(
        event(scheduled_start_time=past, scheduled_end_time=start.isoformat()), creating=True)[0]
