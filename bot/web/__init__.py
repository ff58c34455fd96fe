"""The public, read-only web site (docs: README "Web site", /work contract in bot/web/app.py).

Never imported by the bot's Discord side: ``bot.runner`` and ``python -m bot web`` import it lazily."""
