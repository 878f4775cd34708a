from datetime import timedelta

from sqlalchemy import select

from bot import db
from bot.db import utcnow
from bot.mail.outbox import REDACTED, backoff, deliver_due, queue_mail, render
from bot.models import OutboxMail
from bot.settings import reset_settings

VALUES = dict(
    first_name="<img src=x onerror=alert(1)>",
    company="732 829 320",
    activation_url="https://help.example.test/activate?token=SECRET-TOKEN-123",
    valid_hours=48,
)


def queue_activation(session, to="jean@example.fr", language="fr"):
    return queue_mail(session, "activation", to, language, secret="SECRET-TOKEN-123", **VALUES)


def test_templates_escape_user_values_in_html_only():
    mail = render("activation", "fr", **VALUES)
    assert "<img src=x" not in mail.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in mail.html
    assert "Bonjour <img src=x onerror=alert(1)>," in mail.text  # plain text is not HTML
    assert mail.subject == "Activez votre compte My Sis ID"
    assert 'href="https://help.example.test/activate?token=SECRET-TOKEN-123"' in mail.html


BUTTON_MAILS = {
    "activation": VALUES,
    "account_exists": {"login_url": "https://x.test/login", "support_email": "support@x.test"},
    "invitation": dict(
        customer="ACME",
        code="K7M4-PQ2X-9RTB-3HWD",
        company_id="732 829 320",
        country="FR",
        invitation_url="https://x.test/?invitation=K7M4",
        expires_on="15/04/2026",
    ),
}


def test_every_mail_exists_in_both_languages():
    for kind, kind_values in BUTTON_MAILS.items():
        fr, en = render(kind, "fr", **kind_values), render(kind, "en", **kind_values)
        assert fr.subject != en.subject
        assert fr.text.strip() and en.text.strip() and "<html" in fr.html and "<html" in en.html


async def test_delivery_through_a_real_smtp_server(session, smtp_server):
    queue_activation(session)
    session.commit()
    report = await deliver_due(db.session_factory())
    assert (report.sent, report.failed, report.pending) == (1, 0, 0)
    [message] = smtp_server.inbox.to("jean@example.fr")
    assert message["From"] == "My Sis ID <noreply@sis-id.com>"
    assert message["Subject"] == "Activez votre compte My Sis ID"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Activer mon compte" in html and "token=SECRET-TOKEN-123" in text
    # once delivered, the outbox keeps no live token
    stored = session.scalar(select(OutboxMail))
    session.refresh(stored)
    assert stored.sent_at is not None and stored.secret is None
    assert "SECRET-TOKEN-123" not in stored.text_body + stored.html_body
    assert REDACTED in stored.text_body
    session.commit()  # end the read: on SQLite every transaction holds the write lock
    # a second round sends nothing again
    assert (await deliver_due(db.session_factory())).sent == 0
    assert len(smtp_server.inbox.messages) == 1


async def test_mail_waits_while_the_server_is_down_and_is_delivered_after(session, smtp_server):
    smtp_server.stop()
    queue_activation(session)
    session.commit()
    down = await deliver_due(db.session_factory())
    assert (down.sent, down.failed, down.pending) == (1 - 1, 1, 1)
    mail = session.scalar(select(OutboxMail))
    session.refresh(mail)
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
    assert mail.secret == "SECRET-TOKEN-123"  # still needed to send it
    session.commit()
    # not due yet: backoff
    assert (await deliver_due(db.session_factory())).failed == 0
    smtp_server.start()
    up = await deliver_due(db.session_factory(), now=utcnow() + timedelta(minutes=1))
    assert (up.sent, up.pending) == (1, 0)
    assert len(smtp_server.inbox.to("jean@example.fr")) == 1


async def test_two_senders_never_send_one_mail_twice(session, smtp_server):
    import asyncio

    for i in range(10):
        queue_activation(session, to=f"user{i}@example.fr")
    session.commit()
    reports = await asyncio.gather(*(deliver_due(db.session_factory()) for _ in range(3)))
    assert sum(r.sent for r in reports) == 10
    assert sorted(m["To"] for m in smtp_server.inbox.messages) == sorted(
        f"user{i}@example.fr" for i in range(10)
    )


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20) == timedelta(hours=1)
    assert backoff(500) == timedelta(hours=1)  # no overflow after many failures


def test_first_retry_delay_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("OUTBOX_RETRY_SECONDS", "2")
    reset_settings()
    try:
        assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    finally:
        monkeypatch.undo()
        reset_settings()


def test_under_each_button_the_link_is_offered_in_the_mails_language():
    hints = {
        "fr": "Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :",
        "en": "If the button does not work, copy this link into your browser:",
    }
    for kind, kind_values in BUTTON_MAILS.items():
        url = next(v for k, v in kind_values.items() if k.endswith("_url"))
        for language, hint in hints.items():
            html = render(kind, language, **kind_values).html
            assert f'{hint}<br><a href="{url}"' in html, (kind, language)


def test_the_layouts_button_and_title_are_escaped_too():
    # The macros of _layout.html.jinja are evaluated with that file's own autoescape setting,
    # not the caller's {% autoescape true %}: they must escape by themselves.
    hostile = 'https://x.test/"><script>alert(1)</script>'
    html = render("account_exists", "fr", login_url=hostile, support_email="s@x.test").html
    assert "<script>" not in html
    assert 'href="https://x.test/&#34;&gt;&lt;script&gt;' in html
    ticket = render(
        "support_ticket",
        "fr",
        reference="<b>T-1</b>",
        ticket_url="https://help.example.test/console/tickets/T-1",
        conversation_language="fr",
        reason="r",
        step="s",
        pending_question=None,
        contact_email=None,
        fields={},
    ).html
    assert "<title>&lt;b&gt;T-1&lt;/b&gt;</title>" in ticket


async def test_an_invitation_mail_keeps_no_code_once_sent(session, smtp_server):
    queue_mail(
        session,
        "invitation",
        "compta@fournisseur.fr",
        "fr",
        secrets=["K7M4-PQ2X-9RTB-3HWD", "K7M4PQ2X9RTB3HWD"],
        **BUTTON_MAILS["invitation"]
        | {
            "code": "K7M4-PQ2X-9RTB-3HWD",
            "invitation_url": "https://x.test/?invitation=K7M4PQ2X9RTB3HWD",
        },
    )
    session.commit()
    assert (await deliver_due(db.session_factory())).sent == 1
    [message] = smtp_server.inbox.to("compta@fournisseur.fr")
    assert "K7M4-PQ2X-9RTB-3HWD" in message.get_body(("plain",)).get_content()
    stored = session.scalar(select(OutboxMail))
    session.refresh(stored)
    for body in (stored.text_body, stored.html_body):
        assert "PQ2X" not in body and REDACTED in body
    assert stored.secret is None
