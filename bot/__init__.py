"""SSE community of practice bot: application package (config, services, CLI, console)."""
