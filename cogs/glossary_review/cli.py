"""``python -m bot glossary export [--out DIR] [--json]``: the approved suggestions written back into the
content files, for a maintainer to review and commit. Joins the glossary capability's ``glossary``
command as a subcommand (as /glossary suggest joins its /glossary group)."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bot.app import App
from bot.cli import emit, run_with_app
from bot.content import load_content
from cogs.glossary_review.export import ExportError, ExportPlan, plan_export
from cogs.glossary_review.overrides import Approved
from cogs.glossary_review.service import ReviewService


def _row(a: Approved) -> dict[str, Any]:
    return {"suggestion": a.suggestion_id, "term": a.term_id, "language": a.language, "field": a.field, "text": a.text,
            "reviewer_id": str(a.reviewer_id) if a.reviewer_id else None,
            "reviewed_at": a.reviewed_at.isoformat() if a.reviewed_at else None}


def _problems_with(content_dir: Path, plan: ExportPlan) -> list[str]:
    """What the bot's own loader says about the content with the plan's files in (a scratch copy)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy)
        for relative, text in plan.files.items():
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            (copy / relative).write_text(text, encoding="utf-8")
        _content, problems = load_content(copy)
    return [str(p).replace(str(copy), str(content_dir)) for p in problems]


def cmd_export(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        review = app.service(ReviewService)
        async with app.db.begin() as session:
            current = await review.effective(session)
        content_dir = app.settings.content_dir
        out = Path(args.out) if args.out else content_dir
        try:
            plan = plan_export(content_dir, review.shipped, current.applied)
        except ExportError as exc:
            emit(args, {"error": str(exc)}, f"Nothing written: {exc}")
            return 1
        problems = _problems_with(content_dir, plan) if plan.files else []
        if problems:
            emit(args, {"error": "the exported files would not load", "problems": problems},
                 "Nothing written: the exported files would not load:\n" + "\n".join(problems))
            return 1
        for relative, text in plan.files.items():
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            (out / relative).write_text(text, encoding="utf-8")
        data = {"out": str(out), "files": [str(p) for p in plan.files], "changes": [_row(a) for a in plan.changes],
                "already_in_files": [_row(a) for a in plan.unchanged],
                "superseded": [_row(a) for a in current.superseded], "orphaned": [_row(a) for a in current.orphaned]}
        lines = [f"{len(plan.changes)} approved change(s) written to {len(plan.files)} file(s) under {out}:"]
        lines += [f"  {p}" for p in plan.files]
        lines += [f"  #{a.suggestion_id} {a.term_id} [{a.language}] {a.field}" for a in plan.changes]
        if plan.unchanged:
            lines.append(f"{len(plan.unchanged)} approved change(s) were already in the files.")
        if current.superseded:
            lines.append(f"{len(current.superseded)} approval(s) skipped: the shipped file changed after them "
                         "(the file wins): " + ", ".join(f"#{a.suggestion_id}" for a in current.superseded))
        if current.orphaned:
            lines.append(f"{len(current.orphaned)} approval(s) skipped: their term is no longer in the glossary.")
        emit(args, data, "\n".join(lines))
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    glossary = sub.choices.get("glossary")
    if glossary is None:
        raise RuntimeError("glossary export needs the glossary capability's `glossary` command (list it first)")
    actions = glossary.add_subparsers(dest="glossary_action", metavar="{export}")
    export = actions.add_parser("export", help="write the approved /glossary suggestions back into content/ as YAML")
    export.add_argument("--out", metavar="DIR",
                        help="a folder to write the changed files to, as under content/ (default: content/ itself)")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=cmd_export)
