"""The assistant's custom actions (rasa_sdk), one module per topic.

rasa_sdk imports this package to find the actions: the action server then runs each action off
its event loop, with the domain's responses restored (actions/server.py). Loading them also masks
the action server's log lines (bot/privacy/logs.py): an action that fails logs its exception,
whose text may quote what the supplier typed.
"""

from actions import server
from bot.privacy import logs

logs.install()
server.install()
