"""The supplier-onboarding domain: identifiers, invitations, passwords, accounts, mail.

Nothing in this package imports Rasa, so it can be used and tested on its own.
"""
