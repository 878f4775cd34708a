import pytest

from bot.settings import VAR_DIR, load_settings


def test_local_defaults_need_no_configuration():
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{VAR_DIR / 'onboarding.db'}"
    assert settings.mail_from == "noreply@sis-id.com"  # the sender the article names
    assert settings.public_base_url == "http://localhost:8000"
    assert settings.dev_mailbox and settings.smtp_host == "127.0.0.1"
    assert settings.link("/activate?token=x") == "http://localhost:8000/activate?token=x"


def test_environment_overrides_and_secrets_stay_out_of_repr():
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://u@db/onboarding",
            "SMTP_HOST": "smtp.example.com",
            "SMTP_PORT": "587",
            "SMTP_USERNAME": "mailer",
            "SMTP_PASSWORD": "s3cr3t-value",
            "SMTP_STARTTLS": "true",
            "PUBLIC_BASE_URL": "https://help.example.com/",
            "SUPPORT_EMAIL": "help@example.com",
        }
    )
    assert settings.database_url == "postgresql://u@db/onboarding"
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "smtp.example.com",
        587,
        True,
    )
    assert not settings.dev_mailbox
    assert settings.link("activate") == "https://help.example.com/activate"
    assert "s3cr3t-value" not in repr(settings)


@pytest.mark.parametrize(("name", "value"), [("SMTP_PORT", "abc"), ("SMTP_STARTTLS", "maybe")])
def test_bad_values_are_named_in_the_error(name, value):
    with pytest.raises(ValueError, match=name):
        load_settings({name: value})


def test_fault_timings_have_safe_defaults_and_can_be_shortened():
    defaults = load_settings({})
    assert (defaults.outbox_retry_seconds, defaults.message_timeout_seconds) == (30.0, 30.0)
    quick = load_settings({"OUTBOX_RETRY_SECONDS": "0.5", "MESSAGE_TIMEOUT": "8"})
    assert (quick.outbox_retry_seconds, quick.message_timeout_seconds) == (0.5, 8.0)


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
@pytest.mark.parametrize("name", ["OUTBOX_RETRY_SECONDS", "MESSAGE_TIMEOUT"])
def test_fault_timings_must_be_positive_numbers(name, value):
    with pytest.raises(ValueError, match=name):
        load_settings({name: value})


def test_tickets_per_conversation_are_capped_by_a_setting():
    assert load_settings({}).handoff_ticket_limit == 3
    assert load_settings({"HANDOFF_TICKET_LIMIT": "1"}).handoff_ticket_limit == 1


@pytest.mark.parametrize("value", ["many", "0", "-1"])
def test_the_ticket_limit_is_at_least_one(value):
    with pytest.raises(ValueError, match="HANDOFF_TICKET_LIMIT"):
        load_settings({"HANDOFF_TICKET_LIMIT": value})
