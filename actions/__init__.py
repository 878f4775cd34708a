"""The assistant's custom actions (rasa_sdk), one module per topic.

rasa_sdk imports this package to find the actions: the action server then runs each action off
its event loop, with the domain's responses restored (actions/server.py).
"""

from actions import server

server.install()
