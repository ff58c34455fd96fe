"""Business logic, one module per capability. Plain values in, frozen dataclasses out.

Nothing under this package imports discord (a test checks it)."""
