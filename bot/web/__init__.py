"""The public, read-only web site (README: "Web site"; the shape of a page: bot/web/app.py and bot/web/page.py).

Never imported by the bot's Discord side: ``bot.runner`` and ``python -m bot web`` import it lazily."""
