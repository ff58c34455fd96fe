"""Load YAML with line numbers and validate it against a pydantic model.

Config and content share this so that every problem is reported the same way:
``config.yaml:12: reminders.offsets_minutes[1]: Input should be a valid integer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)
PathKey = tuple[str | int, ...]
# libyaml when available: several times faster on the content files.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        return f"{loc}: {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _record_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str) -> None:
    """Map each key path to its line, and reject duplicate keys (PyYAML silently keeps the last)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            child = (*path, key)
            if key in seen:
                raise YamlProblems([Problem(file, key_node.start_mark.line + 1, format_path(child), "duplicate key")])
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), lines, file)


def load_yaml(file: Path) -> tuple[Any, dict[PathKey, int]]:
    """Parse ``file`` and return its data plus a map from key path to line number."""
    text = file.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise YamlProblems([Problem(str(file), line, "", f"malformed YAML: {reason}")]) from None
    lines: dict[PathKey, int] = {}
    if node is None:
        return {}, lines
    _record_lines(node, (), lines, str(file))
    loader = _LOADER("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlProblems([Problem(str(file), None, "", f"malformed YAML: {exc}")]) from None
    return data, lines


def line_for(lines: dict[PathKey, int], path: PathKey) -> int | None:
    """The line of ``path`` or of its closest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def validate(
    model: type[ModelT], data: Any, file: Path | str, lines: dict[PathKey, int], prefix: PathKey = ()
) -> ModelT:
    """Validate ``data`` (found at ``prefix`` in the file) and report errors with their lines."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = prefix + tuple(p for p in err["loc"] if isinstance(p, str | int))
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append(Problem(str(file), line_for(lines, path), format_path(path), msg))
        raise YamlProblems(problems) from None


def load_model(model: type[ModelT], file: Path) -> ModelT:
    data, lines = load_yaml(file)
    return validate(model, data if data is not None else {}, file, lines)
