"""Pure checks of what a supplier types: identifiers, addresses, passwords, contacts.

No database, no network, no Rasa: every function takes text and returns a value.
"""
