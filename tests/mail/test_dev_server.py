import asyncio

from bot import db
from bot.mail import dev_server
from bot.mail.outbox import deliver_due, queue_mail
from tests.factories import free_port


def test_the_development_mailbox_keeps_delivered_mail(database, session, tmp_path, monkeypatch):
    port = free_port()
    monkeypatch.setenv("SMTP_PORT", str(port))
    from bot.settings import reset_settings

    reset_settings()
    server = dev_server.start(port, tmp_path / "mailbox")
    try:
        queue_mail(
            session,
            "account_exists",
            "jean@example.fr",
            "en",
            login_url="https://x.test/login",
            support_email="support@x.test",
        )
        session.commit()
        report = asyncio.run(deliver_due(db.session_factory()))
    finally:
        server.stop()
    assert report.sent == 1
    [(_name, message)] = dev_server.messages(tmp_path / "mailbox")
    assert message["To"] == "jean@example.fr"
    assert message["Subject"] == "Your My Sis ID account already exists"
    assert dev_server.messages(tmp_path / "nothing-here") == []
