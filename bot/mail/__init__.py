"""Mail: the outbox and its sender, the templates, and the development SMTP server."""
