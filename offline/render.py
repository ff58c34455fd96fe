"""Messages as plain text, for the console and for test assertions."""

from __future__ import annotations

from typing import Any


def render_text(msg: dict[str, Any]) -> str:
    """A message as plain text: content, embeds and numbered buttons (console and tests)."""
    lines: list[str] = []
    if msg.get("content"):
        lines.append(msg["content"])
    for e in msg.get("embeds") or []:
        if (e.get("author") or {}).get("name"):
            lines.append(e["author"]["name"])
        if e.get("title"):
            lines.append(f"== {e['title']} ==")
        if e.get("url"):
            lines.append(e["url"])
        if e.get("description"):
            lines.append(e["description"])
        for f in e.get("fields") or []:
            lines.append(f"-- {f['name']}: {f['value']}")
        if (e.get("footer") or {}).get("text"):
            lines.append(f"({e['footer']['text']})")
    n = 0
    for row in msg.get("components") or []:
        labels = []
        for c in row.get("components", []):
            if c.get("type") == 2:
                n += 1
                mark = " (disabled)" if c.get("disabled") else ""
                link = f" -> {c['url']}" if c.get("url") else ""
                labels.append(f"[{n}] {c.get('label') or c.get('emoji', {}).get('name', '')}{mark}{link}")
            elif c.get("type") == 3:
                labels.append("select: " + ", ".join(o["label"] for o in c.get("options", [])))
        if labels:
            lines.append("  ".join(labels))
    for a in msg.get("attachments") or []:
        lines.append(f"[file: {a.get('filename')}]")
    return "\n".join(lines)
