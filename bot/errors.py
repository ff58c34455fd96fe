"""User-facing errors. Services raise these; every entry point (cogs, CLI, console) renders
them politely, and anything else is logged as a bug."""

from __future__ import annotations


class UserError(Exception):
    """Something the person can fix; ``message`` is shown to them as-is."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


class InvalidInput(UserError):
    pass


class NotFound(UserError):
    pass


class NotAllowed(UserError):
    pass
