"""The assistant's custom actions (`rasa run actions --actions actions`).

Loading them also masks the action server's log lines (bot/privacy/logs.py): an action that
fails logs its exception, whose text may quote what the supplier typed.
"""

from bot.privacy import logs

logs.install()
