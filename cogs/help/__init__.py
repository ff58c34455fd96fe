"""Help: /help, what the bot does and every command, in the member's language."""
