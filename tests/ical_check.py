"""A strict line-level RFC 5545 reader, independent of the ``icalendar`` library that writes the
bot's files (no other iCalendar library is installed): CRLF line endings, lines of at most 75
octets folded with a leading space, content lines of the form ``NAME *(;PARAM) : VALUE``, balanced
BEGIN/END, and the properties each component must have."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME = r"[A-Za-z0-9-]+"
_PARAM = rf";{_NAME}=(?:\"[^\"]*\"|[^;:,\"]*)(?:,(?:\"[^\"]*\"|[^;:,\"]*))*"
_LINE = re.compile(rf"^(?P<name>{_NAME})(?P<params>(?:{_PARAM})*):(?P<value>.*)$")
REQUIRED = {
    "VCALENDAR": {"PRODID", "VERSION"},
    "VEVENT": {"UID", "DTSTAMP", "DTSTART"},
    "VTIMEZONE": {"TZID"},
    "STANDARD": {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
    "DAYLIGHT": {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
}


@dataclass
class Component:
    name: str
    properties: list[tuple[str, str, str]] = field(default_factory=list)  # (name, params, value)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> list[str]:
        return [v for n, _, v in self.properties if n == name]

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name else []
        return found + [c for child in self.children for c in child.walk(name)]


def parse_strict(data: bytes) -> Component:
    """The calendar in ``data``, or AssertionError naming the first rule broken."""
    assert data.endswith(b"\r\n"), "the file must end with CRLF"
    raw_lines = data[:-2].split(b"\r\n")
    for i, line in enumerate(raw_lines):
        assert b"\n" not in line and b"\r" not in line, f"line {i + 1}: a bare CR or LF"
        assert len(line) <= 75, f"line {i + 1}: {len(line)} octets (more than 75)"
    unfolded: list[bytes] = []
    for i, line in enumerate(raw_lines):
        if line[:1] in (b" ", b"\t"):
            assert unfolded, f"line {i + 1}: a continuation with nothing to continue"
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    stack: list[Component] = []
    root: Component | None = None
    for text in (line.decode("utf-8") for line in unfolded):  # must be valid UTF-8 once unfolded
        match = _LINE.match(text)
        assert match, f"not a content line: {text[:80]!r}"
        name, params, value = match["name"].upper(), match["params"], match["value"]
        if name == "BEGIN":
            component = Component(value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "more than one top-level component"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack[-1].name == value.upper(), f"END:{value} does not close {stack[-1].name if stack else 'anything'}"
            closed = stack.pop()
            missing = REQUIRED.get(closed.name, set()) - {n for n, _, _ in closed.properties}
            assert not missing, f"{closed.name} lacks {sorted(missing)}"
        else:
            assert stack, f"{name} outside any component"
            stack[-1].properties.append((name, params, value))
    assert root is not None and root.name == "VCALENDAR" and not stack, "one VCALENDAR, every BEGIN closed"
    assert root.get("VERSION") == ["2.0"]
    return root
