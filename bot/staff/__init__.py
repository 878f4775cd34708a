"""What support and analysts do in the console, over the database (no web, no Rasa):
staff accounts and sign-in limits, the ticket workflow, conversation reviews, the
training-data inbox and the access log. ``bot.web.console`` is its web interface."""
