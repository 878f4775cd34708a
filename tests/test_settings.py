import pytest

from bot.settings import VAR_DIR, load_settings


def test_local_defaults_need_no_configuration():
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{VAR_DIR / 'onboarding.db'}"
    assert settings.mail_from == "noreply@sis-id.com"  # the sender the article names
    assert settings.public_base_url == "http://localhost:8000"
    assert settings.smtp_host == "127.0.0.1"
    # Development only when asked for (`make run` does): a forgotten setting fails closed.
    assert not settings.development and not settings.dev_mailbox
    assert load_settings({"DEVELOPMENT": "true"}).dev_mailbox
    assert not load_settings({"DEVELOPMENT": "true", "SMTP_HOST": "smtp.example.com"}).dev_mailbox
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


def test_web_limits_and_sessions_have_safe_defaults():
    settings = load_settings({})
    assert settings.rate_limit_storage_url == "memory://"
    assert settings.rate_limit_conversation == "8 per 10 seconds;40 per minute"
    assert settings.rate_limit_address == "60 per minute"
    assert settings.rate_limit_password == "5 per minute;20 per hour"
    assert settings.rate_limit_password_address == "20 per minute;300 per hour"
    assert settings.session_message_cap == 200
    assert settings.trusted_proxies == () and settings.session_secret is None
    assert settings.web_interface == "127.0.0.1"
    assert not settings.secure_cookies
    assert load_settings({"PUBLIC_BASE_URL": "https://help.example.com"}).secure_cookies


def test_web_limits_and_proxies_are_read_and_checked():
    settings = load_settings(
        {
            "RATE_LIMIT_ADDRESS": "10 per second;100/minute",
            "RATE_LIMIT_STORAGE_URL": "redis://127.0.0.1:6379/2",
            "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8 ,::1",
            "SESSION_SECRET": "s3cr3t-session-value-long-enough-0123",
        }
    )
    assert settings.rate_limit_address == "10 per second;100/minute"
    assert settings.rate_limit_storage_url == "redis://127.0.0.1:6379/2"
    assert settings.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8", "::1/128")
    assert "s3cr3t-session-value" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATE_LIMIT_CONVERSATION", "a lot"),
        ("RATE_LIMIT_PASSWORD", "5 per fortnight"),
        ("TRUSTED_PROXIES", "nginx"),
        ("SESSION_MESSAGE_CAP", "many"),
        ("DEVELOPMENT", "maybe"),
    ],
)
def test_bad_web_settings_are_named_in_the_error(name, value):
    with pytest.raises(ValueError, match=name):
        load_settings({name: value})


def test_data_limits_have_safe_defaults_and_can_be_set():
    defaults = load_settings({})
    assert (defaults.draft_retention_hours, defaults.account_exists_mails_per_hour) == (24.0, 3)
    set_ = load_settings({"DRAFT_RETENTION_HOURS": "0.5", "ACCOUNT_EXISTS_MAILS_PER_HOUR": "1"})
    assert (set_.draft_retention_hours, set_.account_exists_mails_per_hour) == (0.5, 1)


@pytest.mark.parametrize("value", ["a day", "0", "-1"])
def test_the_draft_retention_must_be_a_positive_number_of_hours(value):
    with pytest.raises(ValueError, match=r"DRAFT_RETENTION_HOURS must be .* hours"):
        load_settings({"DRAFT_RETENTION_HOURS": value})


def test_tickets_per_conversation_are_capped_by_a_setting():
    assert load_settings({}).handoff_ticket_limit == 3
    assert load_settings({"HANDOFF_TICKET_LIMIT": "1"}).handoff_ticket_limit == 1


@pytest.mark.parametrize("value", ["many", "0", "-1"])
def test_the_ticket_limit_is_at_least_one(value):
    with pytest.raises(ValueError, match="HANDOFF_TICKET_LIMIT"):
        load_settings({"HANDOFF_TICKET_LIMIT": value})
