"""The web app: help-centre page with the chat widget, activation page, development mailbox,
health check, and the same-origin proxy to Rasa's REST channel (``create_app``)."""
