"""The offline gateway's limit checks catch what Discord would reject."""

from __future__ import annotations

from offline import autocomplete_violations, command_violations, message_violations, modal_violations


def test_message_limits() -> None:
    assert message_violations({"content": "x" * 2000}) == []
    assert message_violations({"content": "x" * 2001})
    too_many_fields = {"embeds": [{"title": "t", "fields": [{"name": "n", "value": "v"}] * 26}]}
    assert any("fields" in p for p in message_violations(too_many_fields))
    big = {"embeds": [{"description": "x" * 4000}, {"description": "y" * 2500}]}
    assert any("6000" in p for p in message_violations(big))
    assert any("1024" in p for p in message_violations({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}))
    rows = [{"type": 1, "components": [{"type": 2, "label": "b", "custom_id": f"c{i}{j}"} for j in range(5)]}
            for i in range(6)]
    assert any("action rows" in p for p in message_violations({"components": rows}))
    dup = [{"type": 1, "components": [{"type": 2, "label": "a", "custom_id": "same"}] * 2}]
    assert any("duplicate custom_id" in p for p in message_violations({"components": dup}))


def test_autocomplete_modal_and_command_limits() -> None:
    assert autocomplete_violations({"choices": [{"name": "a", "value": "a"}] * 26})
    assert autocomplete_violations({"choices": [{"name": "a" * 101, "value": "a"}]})
    assert modal_violations({"title": "t" * 46, "components": []})
    assert command_violations([{"name": "Define", "description": "d", "type": 1}])
    assert command_violations([{"name": "define", "description": "d" * 101, "type": 1}])
    assert command_violations([{"name": "define", "description": "d", "type": 1,
                                "name_localizations": {"th": "คำ นิยาม"}}])
    assert command_violations([{"name": "define", "description": "d", "type": 1,
                                "name_localizations": {"th": "นิยาม", "vi": "định-nghĩa"}}]) == []
