"""The registration services, over the database: invitations, accounts, drafts, limits,
handoff tickets. They use bot.checks and write through bot.db / bot.models.
"""
