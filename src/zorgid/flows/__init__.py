"""Time-bound flows a browser page waits on: login with the app, card sessions with the Desktop App.

models (one abstract Flow: id, browser binding, issued/expires, state, the expiry rule; LoginFlow, CardFlow),
services (the login's transitions), cards (the card session's), status (the one status answer of a waiting
page), waiting (the bounded waiter: LISTEN/NOTIFY on PostgreSQL, polling on SQLite), purposes (the registry
in which the use cases put what each card purpose demands of the card).
"""
