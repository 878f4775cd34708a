"""The supplier-onboarding product, without Rasa: usable and testable on its own.

Layers, each importing only the ones below it:

- ``bot.web``           the web app: help-centre pages, chat widget, activation page, /mailbox,
                        the staff console (/console/)
- ``bot.staff``         what support and analysts do: staff accounts, ticket workflow, reviews,
                        the training-data inbox, the access log
- ``bot.analytics``     reads the tracker store: summaries, transcripts, the report, retention,
                        the console's conversation index
- ``bot.registration``  services over the database: invitations, accounts, drafts, limits, tickets
- ``bot.mail``          the outbox and its sender, mail templates, the development SMTP server
- ``bot.privacy``       what is masked before a conversation is stored
- ``bot.checks``        pure checks of what a supplier types (no database, no I/O)

At the top, what ties them together: ``settings`` (every setting), ``db`` and ``models`` (the
database, migrations in ``migrations/``), ``responses`` (the assistant's wording, read from the
domain), ``facts`` (the figures its answers state, from the settings and the identifier
registry), ``understanding`` (reading the NLU's parse data), ``session_start`` (what a
conversation's new session reads and keeps), ``cli`` (``python -m bot``) and
``launcher`` (``make run``).
"""
