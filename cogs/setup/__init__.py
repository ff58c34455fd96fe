"""Setting the bot up in a server: /setup, the first-join message, invite and doctor."""
