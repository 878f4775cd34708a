"""Every setting of the product, read from the environment in this one place.

Defaults are safe for a laptop: a SQLite file under ``var/``, no SMTP server (mail waits in
the outbox, or goes to the local development mailbox that ``make run`` starts).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def _env_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def _env_float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be more than 0 seconds, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None = field(repr=False)
    smtp_starttls: bool
    smtp_timeout_seconds: float
    mail_from: str
    public_base_url: str
    support_email: str
    terms_url: str
    invitation_validity_months: int = 3
    activation_token_hours: int = 48
    resend_limit_per_hour: int = 3
    # First retry of an undelivered mail; each later retry waits twice as long (up to 1 h).
    outbox_retry_seconds: float = 30.0
    # How long Rasa's REST channel works on one message before it answers "please try again"
    # (rasa_ext/channels.py): a hung action server must not leave the user in silence.
    message_timeout_seconds: float = 30.0
    # Failed invitation checks allowed per code and per company ID within the window
    # (bot/registration/limits.py); past it the assistant stops checking and offers a human.
    invitation_check_limit: int = 5
    invitation_check_window_minutes: int = 60
    dev_mailbox: bool = False
    # Conversation events (Rasa's SQL tracker store schema): read by the report, transcripts,
    # purge and erase commands. A sibling of the accounts database by default.
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'conversations.db'}"
    # Days conversation events are kept before `python -m bot purge` deletes them.
    retention_days: int = 90
    # Conversations whose tracker each Rasa process keeps in memory between messages
    # (rasa_ext/tracker_cache.py): checked against the database on every message, so only a
    # memory bound; 0 rebuilds every tracker from the database, as Rasa does.
    tracker_cache_size: int = 500
    # The web app (help-centre page, activation page, proxy to Rasa's REST channel).
    web_port: int = 8000
    rasa_url: str = "http://127.0.0.1:5005"
    action_endpoint_url: str = "http://127.0.0.1:5055/webhook"
    # Addresses the Rasa server and the action server listen on: loopback unless the
    # deployment puts them on separate machines (then a private network address).
    rasa_interface: str = "127.0.0.1"
    action_interface: str = "127.0.0.1"

    def link(self, path: str) -> str:
        """An absolute URL on the public site, e.g. ``link("/activate?token=...")``."""
        return self.public_base_url.rstrip("/") + "/" + path.lstrip("/")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (``os.environ`` by default)."""
    env = dict(os.environ if env is None else env)
    smtp_host = env.get("SMTP_HOST", "").strip() or None
    web_port = _env_int(env, "WEB_PORT", 8000)
    rasa_port = _env_int(env, "RASA_PORT", 5005)
    action_port = _env_int(env, "ACTION_PORT", 5055)
    # The links in emails must reach the web app that `make run` starts, whatever its port.
    public_base_url = env.get("PUBLIC_BASE_URL", "").strip() or f"http://localhost:{web_port}"
    return Settings(
        database_url=env.get("DATABASE_URL", "").strip()
        or f"sqlite:///{VAR_DIR / 'onboarding.db'}",
        # Without SMTP_HOST, mail goes to the development mailbox on loopback.
        smtp_host=smtp_host or "127.0.0.1",
        smtp_port=_env_int(env, "SMTP_PORT", 25 if smtp_host else 8025),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_env_bool(env, "SMTP_STARTTLS", False),
        smtp_timeout_seconds=float(env.get("SMTP_TIMEOUT", "") or 10),
        outbox_retry_seconds=_env_float(env, "OUTBOX_RETRY_SECONDS", 30.0),
        message_timeout_seconds=_env_float(env, "MESSAGE_TIMEOUT", 30.0),
        mail_from=env.get("MAIL_FROM", "").strip() or "noreply@sis-id.com",
        public_base_url=public_base_url.rstrip("/"),
        support_email=env.get("SUPPORT_EMAIL", "").strip() or "support@sis-id.com",
        terms_url=env.get("TERMS_URL", "").strip()
        or public_base_url.rstrip("/") + "/conditions-generales",
        dev_mailbox=smtp_host is None,
        tracker_store_url=env.get("TRACKER_STORE_URL", "").strip()
        or f"sqlite:///{VAR_DIR / 'conversations.db'}",
        retention_days=_env_int(env, "RETENTION_DAYS", 90),
        tracker_cache_size=max(0, _env_int(env, "TRACKER_CACHE_SIZE", 500)),
        invitation_check_limit=_env_int(env, "INVITATION_CHECK_LIMIT", 5),
        invitation_check_window_minutes=_env_int(env, "INVITATION_CHECK_WINDOW_MINUTES", 60),
        web_port=web_port,
        rasa_url=(env.get("RASA_URL", "").strip() or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        action_endpoint_url=env.get("ACTION_ENDPOINT_URL", "").strip()
        or f"http://127.0.0.1:{action_port}/webhook",
        rasa_interface=env.get("RASA_INTERFACE", "").strip() or "127.0.0.1",
        action_interface=env.get("ACTION_INTERFACE", "").strip() or "127.0.0.1",
    )


_cached: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read once (tests call :func:`reset_settings`)."""
    global _cached
    if _cached is None:
        _cached = load_settings()
    return _cached


def reset_settings() -> None:
    global _cached
    _cached = None
