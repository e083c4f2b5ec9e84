"""The web panel ("the caretaker's desk"): FastAPI + Jinja2 beside the bot.

It reads and changes requests through the same service functions the bot calls
(panel/queries.py reads, panel/actions.py writes), so the state machine, the history and
the outbox behave exactly as when the action comes from Telegram.
"""
